package org.gridauth.ca.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.gsi.testing.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AuditTrailTest {

    static List<Arguments> databases() {
        return List.of(Arguments.of("H2", (Supplier<DataSource>) TestDatabases::h2),
                Arguments.of("PostgreSQL", (Supplier<DataSource>) () -> org.gridauth.ca.store.CaDataSources.withCaSettings(TestDatabases.postgres())));
    }

    private static JdbcAuditTrail trail(DataSource ds, int records) {
        JdbcAuditTrail trail = new JdbcAuditTrail(new CaDatabase(ds), Clock.systemUTC());
        for (int i = 1; i <= records; i++) {
            trail.append(new AuditEvent("ISSUE", "CN=RA", "serial " + i, Map.of("profile", "client")));
        }
        return trail;
    }

    private static void sql(DataSource ds, String... statements) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-7: an untouched trail verifies, also after appends from several threads at once")
    void intact(String name, Supplier<DataSource> database) throws Exception {
        DataSource ds = database.get();
        JdbcAuditTrail trail = trail(ds, 3);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                futures.add(pool.submit(() -> trail.append(new AuditEvent("REVOKE", "CN=RA", "serial " + n, Map.of()))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        AuditVerification result = trail.verify();
        assertThat(result.intact()).as(result.problem()).isTrue();
        assertThat(result.records()).isEqualTo(43);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-7: two appenders cannot fork the chain: the second waits for the first's commit and follows its record (no unique index needed)")
    void appendersAreSerialised(String name, Supplier<DataSource> database) throws Exception {
        DataSource ds = database.get();
        JdbcAuditTrail trail = trail(ds, 2);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection first = ds.getConnection()) {
            first.setAutoCommit(false);
            AuditRecord mine = trail.append(first, new AuditEvent("ISSUE", "CN=RA", "serial 3", Map.of()));
            Future<AuditRecord> second = pool.submit(() -> trail.append(new AuditEvent("ISSUE", "CN=RA", "serial 4", Map.of())));
            // The first transaction holds the head row: the second appender cannot read the head it is about to move.
            assertThatThrownBy(() -> second.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            first.commit();
            AuditRecord next = second.get(30, TimeUnit.SECONDS);
            assertThat(mine.sequence()).isEqualTo(3);
            assertThat(next.sequence()).isEqualTo(4);
            assertThat(next.previousHash()).isEqualTo(mine.hash());
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT prev_hash), COUNT(*) FROM ca_audit")) {
            rs.next();
            assertThat(rs.getLong(1)).as("records following the same record").isEqualTo(rs.getLong(2));
        }
        AuditVerification result = trail.verify();
        assertThat(result.intact()).as(result.problem()).isTrue();
        assertThat(result.records()).isEqualTo(4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-7: records written before the migration that dropped the hash indexes still verify and the chain goes on from them")
    void migratedTrailVerifies(String name, Supplier<DataSource> database) throws Exception {
        DataSource ds = database.get();
        Flyway.configure().dataSource(ds).locations("classpath:db/migration/ca").table("ca_schema_history").target("5").load().migrate();
        // A trail on another database only lends its append(Connection, ...) to write the old schema's records.
        JdbcAuditTrail writer = new JdbcAuditTrail(new CaDatabase(TestDatabases.h2()), Clock.systemUTC());
        for (int i = 1; i <= 5; i++) {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                writer.append(c, new AuditEvent("ISSUE", "CN=RA", "serial " + i, Map.of("profile", "client")));
                c.commit();
            }
        }
        JdbcAuditTrail trail = new JdbcAuditTrail(new CaDatabase(ds), Clock.systemUTC());
        assertThat(trail.verify().intact()).isTrue();
        trail.append(new AuditEvent("REVOKE", "CN=RA", "serial 1", Map.of()));
        AuditVerification result = trail.verify();
        assertThat(result.intact()).as(result.problem()).isTrue();
        assertThat(result.records()).isEqualTo(6);
        sql(ds, "UPDATE ca_audit SET subject = 'serial 99' WHERE seq = 3");
        assertThat(trail.verify().firstBroken()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-7: verification finds an edited record")
    void edited(String name, Supplier<DataSource> database) throws Exception {
        DataSource ds = database.get();
        JdbcAuditTrail trail = trail(ds, 5);
        sql(ds, "UPDATE ca_audit SET subject = 'serial 99' WHERE seq = 3");
        AuditVerification result = trail.verify();
        assertThat(result.intact()).isFalse();
        assertThat(result.firstBroken()).isEqualTo(3);
        assertThat(result.problem()).contains("changed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-7: verification finds a removed record, in the middle and at the end")
    void removed(String name, Supplier<DataSource> database) throws Exception {
        DataSource ds = database.get();
        JdbcAuditTrail trail = trail(ds, 5);
        sql(ds, "DELETE FROM ca_audit WHERE seq = 5");
        assertThat(trail.verify().firstBroken()).isEqualTo(5);
        sql(ds, "DELETE FROM ca_audit WHERE seq = 2");
        AuditVerification result = trail.verify();
        assertThat(result.firstBroken()).isEqualTo(2);
        assertThat(result.problem()).contains("missing");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-7: verification finds reordered records (contents of two records swapped, sequence numbers kept)")
    void reordered(String name, Supplier<DataSource> database) throws Exception {
        DataSource ds = database.get();
        JdbcAuditTrail trail = trail(ds, 5);
        sql(ds, "UPDATE ca_audit SET seq = 100 WHERE seq = 2", "UPDATE ca_audit SET seq = 2 WHERE seq = 4",
                "UPDATE ca_audit SET seq = 4 WHERE seq = 100");
        AuditVerification result = trail.verify();
        assertThat(result.firstBroken()).isEqualTo(2);
        assertThat(result.problem()).contains("does not follow");
    }
}
