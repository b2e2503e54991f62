package org.gridauth.ra.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.gridauth.gsi.testing.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The portal's tables on H2 (default) and PostgreSQL: migration, the single-winner claim, the per-person lock. */
class PostgresStoreTest {

    static DataSource database(String kind) {
        DataSource ds = kind.equals("postgres") ? TestDatabases.postgres() : TestDatabases.h2();
        Flyway.configure().dataSource(ds).locations("classpath:db/ra-portal").table("ra_portal_schema_history").load().migrate();
        return ds;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    @DisplayName("R-RA-2: on both databases a license ID is claimed by one request only and the person row serialises issuance")
    void claims(String kind) throws Exception {
        DataSource ds = database(kind);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        PeopleStore people = new PeopleStore(jdbc);
        LicenseStore licenses = new LicenseStore(jdbc);
        Instant now = Instant.now();
        assertThat(people.seen("hpci9", "p@x.jp", "P Q", null, now)).isTrue();
        assertThat(people.seen("hpci9", "other@x.jp", "P Q", null, now)).as("another ePPN for the HPCI-ID").isFalse();
        licenses.insert("lic-1", "h".repeat(64), "hpci9", now, now.plusSeconds(3600));
        List<CompletableFuture<Boolean>> claims = List.of(CompletableFuture.supplyAsync(() -> licenses.claim("lic-1", now)),
                CompletableFuture.supplyAsync(() -> licenses.claim("lic-1", now)), CompletableFuture.supplyAsync(() -> licenses.claim("lic-1", now)));
        assertThat(claims.stream().map(CompletableFuture::join).filter(b -> b)).hasSize(1);
        licenses.used("lic-1", "0A", now);
        assertThat(licenses.byHash("h".repeat(64)).orElseThrow().state()).isEqualTo(LicenseStore.State.USED);

        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        List<CompletableFuture<Integer>> counts = List.of(1, 2, 3, 4).stream().map(i -> CompletableFuture.supplyAsync(() -> tx.execute(s -> {
            int total = people.lock("hpci9").orElseThrow().licensesTotal();
            if (total < 2) {
                people.countLicense("hpci9");
                return 1;
            }
            return 0;
        }))).toList();
        assertThat(counts.stream().mapToInt(CompletableFuture::join).sum()).as("the lock lets exactly the allowed number through").isEqualTo(2);
        assertThat(people.find("hpci9").orElseThrow().licensesTotal()).isEqualTo(2);
        assertThat(people.search("P q", 10)).hasSize(1);
    }
}
