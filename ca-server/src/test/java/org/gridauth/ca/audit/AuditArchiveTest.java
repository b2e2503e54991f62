package org.gridauth.ca.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.gridauth.ca.store.AuditArchive;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.gsi.testing.MutableClock;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.ca.token.CaKey;
import org.gridauth.ca.token.SoftwareCaKey;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AuditArchiveTest {

    @TempDir
    Path dir;

    static List<Arguments> databases() {
        return List.of(Arguments.of("H2", (Supplier<DataSource>) TestDatabases::h2),
                Arguments.of("PostgreSQL", (Supplier<DataSource>) () -> org.gridauth.ca.store.CaDataSources.withCaSettings(TestDatabases.postgres())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-7: records past the retention period move to a signed archive file; the database trail and the archive both still verify, and tampering with either is found")
    void archiveKeepsTheChainVerifiable(String name, Supplier<DataSource> database) throws Exception {
        Path p12 = dir.resolve("ca.p12");
        CredentialFiles.writePkcs12(p12, TestPki.shared().ca(), "archive".toCharArray(), "ca");
        CaKey key = SoftwareCaKey.load(p12, "archive".toCharArray());
        DataSource ds = database.get();
        MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofDays(4 * 365)));
        JdbcAuditTrail trail = new JdbcAuditTrail(new CaDatabase(ds), clock);
        for (int i = 1; i <= 5; i++) {
            trail.append(new AuditEvent("ISSUE", "CN=RA", "serial " + i, Map.of()));
        }
        clock.advance(Duration.ofDays(4 * 365));
        for (int i = 6; i <= 8; i++) {
            trail.append(new AuditEvent("ISSUE", "CN=RA", "serial " + i, Map.of()));
        }

        Path archive = dir.resolve("audit-archive.jsonl");
        assertThat(trail.archive(clock.instant().minus(Duration.ofDays(3 * 365)), key, archive)).isEqualTo(5);

        assertThat(trail.read(1, 100)).extracting(AuditRecord::sequence).containsExactly(6L, 7L, 8L);
        assertThat(trail.verify().intact()).as(trail.verify().problem()).isTrue();
        assertThat(trail.verify(key.certificate()).intact()).as(trail.verify(key.certificate()).problem()).isTrue();
        trail.append(new AuditEvent("REVOKE", "CN=RA", "serial 6", Map.of()));
        assertThat(trail.verify(key.certificate()).intact()).isTrue();
        AuditVerification archived = AuditArchive.verify(archive, key.certificate());
        assertThat(archived.intact()).as(archived.problem()).isTrue();
        assertThat(archived.records()).isEqualTo(5);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive))).isEqualTo("r--------");
        assertThat(trail.archive(clock.instant().minus(Duration.ofDays(3 * 365)), key, dir.resolve("again.jsonl"))).isZero();

        Path edited = dir.resolve("edited.jsonl");
        Files.writeString(edited, Files.readString(archive).replace("serial 3", "serial 33"));
        assertThat(AuditArchive.verify(edited, key.certificate()).firstBroken()).isEqualTo(3);

        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM ca_audit_checkpoint");
        }
        AuditVerification anchorless = trail.verify(key.certificate());
        assertThat(anchorless.intact()).isFalse();
        assertThat(anchorless.problem()).contains("no checkpoint");
    }
}
