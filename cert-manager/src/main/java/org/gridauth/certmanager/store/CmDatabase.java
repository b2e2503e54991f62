package org.gridauth.certmanager.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.jdbc.Transactions;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The certificate manager's database (H2 embedded by default, PostgreSQL in production), migrated by Flyway at
 * start-up. The schema belongs to this module only.
 */
public final class CmDatabase {

    private final DataSource dataSource;

    public CmDatabase(DataSource dataSource) {
        this.dataSource = dataSource;
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/cm").table("cm_schema_history").load().migrate();
        } catch (FlywayException e) {
            throw new GridAuthException(CertManagerError.DATABASE_UNAVAILABLE, e, e.getMessage());
        }
    }

    /**
     * An H2 database in files next to {@code base}. Commits are written through at once (WRITE_DELAY=0): a
     * credential handed to a researcher must never be missing after a crash.
     */
    public static DataSource h2File(Path base) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + base.toAbsolutePath() + ";WRITE_DELAY=0");
        return h2;
    }

    /** Throws GA-CM-002 unless the database answers a query now; the health check's probe (R-OP-2). */
    public void ping() {
        inTransaction(connection -> {
            try (java.sql.Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
            }
            return null;
        });
    }

    /** Runs the work in one transaction; any failure rolls everything back. */
    public <T> T inTransaction(Transactions.Work<T> work) {
        return Transactions.run(dataSource, work, e -> new GridAuthException(CertManagerError.DATABASE_UNAVAILABLE, e, e.getMessage()));
    }

    /**
     * The next change number, taken in the caller's transaction. The counter row is locked until commit, so
     * numbers are handed out in commit order: a site that has read up to N never misses a change numbered below N.
     */
    public static long nextChange(Connection connection) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE cm_change_counter SET next_value = next_value + 1 WHERE id = 1")) {
            update.executeUpdate();
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT next_value FROM cm_change_counter WHERE id = 1");
             ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Whether the exception is a unique or primary key violation (SQLSTATE 23505 on H2 and PostgreSQL). */
    public static boolean isUniqueViolation(Throwable e) {
        return Transactions.isUniqueViolation(e);
    }
}
