package org.gridauth.ca.store;

import org.gridauth.gsi.testing.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JdbcCertificateStoreTest {

    static List<Arguments> databases() {
        return List.of(Arguments.of("H2", (Supplier<DataSource>) TestDatabases::h2),
                Arguments.of("PostgreSQL", (Supplier<DataSource>) () -> org.gridauth.ca.store.CaDataSources.withCaSettings(TestDatabases.postgres())));
    }

    private record Stores(JdbcCertificateStore certificates, JdbcAuditTrail audit) {
    }

    private static Stores stores(Supplier<DataSource> database) {
        CaDatabase db = new CaDatabase(database.get());
        JdbcAuditTrail audit = new JdbcAuditTrail(db, Clock.systemUTC());
        return new Stores(new JdbcCertificateStore(db, audit, Clock.systemUTC()), audit);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-3: a serial is reserved once: a second reservation of the same serial is refused, also after abandonment")
    void serialsAreNeverReused(String name, Supplier<DataSource> database) {
        Stores s = stores(database);
        BigInteger serial = new BigInteger("7f00112233445566778899aabbccddee", 16);
        s.certificates().reserve(serial, "host", "/C=JP/O=T/CN=a.example.org", null);
        assertThatThrownBy(() -> s.certificates().reserve(serial, "host", "/C=JP/O=T/CN=b.example.org", null))
                .isInstanceOf(JdbcCertificateStore.SerialInUse.class);
        s.certificates().abandon(serial, new AuditEvent("ISSUE_FAILED", "ca", "/C=JP/O=T/CN=a.example.org", Map.of()));
        assertThat(s.certificates().find(serial).orElseThrow().status()).isEqualTo(CertificateStatus.ABANDONED);
        assertThatThrownBy(() -> s.certificates().reserve(serial, "host", "/C=JP/O=T/CN=b.example.org", null))
                .isInstanceOf(JdbcCertificateStore.SerialInUse.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-4: of many concurrent reservations for one HPCI-ID exactly one wins; the others get GA-CA-015")
    void oneActivePerHpciIdUnderConcurrency(String name, Supplier<DataSource> database) throws Exception {
        Stores s = stores(database);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                BigInteger serial = BigInteger.valueOf(1_000_000L + i).shiftLeft(64);
                results.add(pool.submit(() -> {
                    try {
                        s.certificates().reserve(serial, "client", "/C=JP/O=T/CN=Taro Yamada hpci1", "hpci1");
                        return "reserved";
                    } catch (GridAuthException e) {
                        return e.code().code();
                    }
                }));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> result : results) {
                outcomes.add(result.get());
            }
            assertThat(outcomes).filteredOn("reserved"::equals).hasSize(1);
            assertThat(outcomes).filteredOn("GA-CA-015"::equals).hasSize(11);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-7: completing records the certificate and its audit record together; serials left pending by a crash are abandoned at start-up and audited")
    void completeAndRecover(String name, Supplier<DataSource> database) {
        Stores s = stores(database);
        var user = TestPki.shared().user().certificate();
        s.certificates().reserve(user.getSerialNumber(), "client", "/C=JP/O=T/CN=Taro Yamada hpci2", "hpci2");
        AuditRecord record = s.certificates().complete(user, new AuditEvent("ISSUE", "ra", "/C=JP/O=T/CN=Taro Yamada hpci2", Map.of()));
        assertThat(record.sequence()).isEqualTo(1);
        CertificateRecord stored = s.certificates().find(user.getSerialNumber()).orElseThrow();
        assertThat(stored.status()).isEqualTo(CertificateStatus.VALID);
        assertThat(stored.certificate()).isEqualTo(user);
        assertThat(stored.hpciId()).isEqualTo("hpci2");

        BigInteger crashed = BigInteger.ONE.shiftLeft(100);
        s.certificates().reserve(crashed, "host", "/C=JP/O=T/CN=c.example.org", null);
        assertThat(s.certificates().abandonStale(Instant.now().minus(Duration.ofMinutes(5)))).isZero();
        assertThat(s.certificates().abandonStale(Instant.now().plusSeconds(1))).isEqualTo(1);
        assertThat(s.certificates().find(crashed).orElseThrow().status()).isEqualTo(CertificateStatus.ABANDONED);
        assertThat(s.audit().read(1, 10)).extracting(AuditRecord::type).containsExactly("ISSUE", "ISSUE_ABANDONED");
        assertThat(s.audit().verify().intact()).isTrue();
    }
}
