package org.gridauth.ca.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.gridauth.gsi.testing.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CaDataSourcesTest {

    @Test
    @DisplayName("R-CA-9: the CA's PostgreSQL connections send a batch of INSERTs as multi-row statements, and a duplicate still fails the whole batch")
    void postgresBatchesRewritten() throws SQLException {
        DataSource source = CaDataSources.withCaSettings(TestDatabases.postgres());
        try (Connection c = source.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE rows_test (id VARCHAR(16) PRIMARY KEY)");
            }
            c.commit();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO rows_test (id) VALUES (?)")) {
                for (String id : new String[] {"a", "b", "c", "d"}) {
                    insert.setString(1, id);
                    insert.addBatch();
                }
                // A rewritten batch reports no per-row counts: proof that it went as one multi-row statement (the driver
                // rewrites in chunks of powers of two, hence four rows).
                assertThat(insert.executeBatch()).containsOnly(Statement.SUCCESS_NO_INFO);
            }
            c.commit();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO rows_test (id) VALUES (?)")) {
                for (String id : new String[] {"e", "a", "f", "g"}) {
                    insert.setString(1, id);
                    insert.addBatch();
                }
                assertThatThrownBy(insert::executeBatch).satisfies(e -> assertThat(CaDatabase.isUniqueViolation(e)).isTrue());
            }
            c.rollback();
            try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM rows_test")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(4);
            }
        }
    }

    @Test
    @DisplayName("Data sources other than PostgreSQL are left as they are")
    void othersUnchanged() {
        DataSource h2 = TestDatabases.h2();
        assertThat(CaDataSources.withCaSettings(h2)).isSameAs(h2);
    }
}
