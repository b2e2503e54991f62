package org.gridauth.ca.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
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

class AuditCheckpointTest {

    @TempDir
    Path dir;

    static List<Arguments> databases() {
        return List.of(Arguments.of("H2", (Supplier<DataSource>) TestDatabases::h2),
                Arguments.of("PostgreSQL", (Supplier<DataSource>) () -> org.gridauth.ca.store.CaDataSources.withCaSettings(TestDatabases.postgres())));
    }

    private CaKey caKey() {
        Path p12 = dir.resolve("ca.p12");
        CredentialFiles.writePkcs12(p12, TestPki.shared().ca(), "checkpoint".toCharArray(), "ca");
        return SoftwareCaKey.load(p12, "checkpoint".toCharArray());
    }

    private static JdbcAuditTrail trail(DataSource ds, int records) {
        JdbcAuditTrail trail = new JdbcAuditTrail(new CaDatabase(ds), Clock.systemUTC());
        for (int i = 1; i <= records; i++) {
            trail.append(new AuditEvent("ISSUE", "CN=RA", "serial " + i, Map.of()));
        }
        return trail;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-7: the hourly checkpoint of an idle CA (no record since the last one, e.g. after a restart) keeps the head's checkpoint "
            + "instead of failing; the next record gets a new one")
    void idleCheckpoint(String name, Supplier<DataSource> database) throws Exception {
        DataSource ds = database.get();
        JdbcAuditTrail trail = trail(ds, 3);
        CaKey key = caKey();
        Checkpoint first = trail.checkpoint(key);
        Checkpoint again = trail.checkpoint(key);
        assertThat(again.sequence()).isEqualTo(first.sequence()).isEqualTo(3);
        assertThat(again.signature()).isEqualTo(first.signature());
        assertThat(trail.verify(key.certificate()).intact()).isTrue();
        JdbcAuditTrail more = trail(ds, 1);
        assertThat(more.checkpoint(key).sequence()).isEqualTo(4);
        assertThat(more.verify(key.certificate()).intact()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-7: a chain rewritten with recomputed hashes passes the hash check but not the CA-signed checkpoint")
    void rewrittenChain(String name, Supplier<DataSource> database) throws Exception {
        DataSource ds = database.get();
        JdbcAuditTrail trail = trail(ds, 4);
        CaKey key = caKey();
        Checkpoint checkpoint = trail.checkpoint(key);
        assertThat(checkpoint.sequence()).isEqualTo(4);
        assertThat(checkpoint.verifies(key.certificate())).isTrue();
        assertThat(trail.verify(key.certificate()).intact()).isTrue();

        // An attacker with database access edits record 2 and recomputes every hash after it, and the head.
        List<AuditRecord> records = trail.read(1, 100);
        String previous = records.get(0).hash();
        try (Connection c = ds.getConnection()) {
            for (AuditRecord r : records.subList(1, records.size())) {
                String subject = r.sequence() == 2 ? "serial 999" : r.subject();
                String hash = AuditHashes.hash(previous, r.sequence(), r.time(), r.type(), r.actor(), subject, r.details());
                try (PreparedStatement update = c.prepareStatement("UPDATE ca_audit SET subject = ?, prev_hash = ?, hash = ? WHERE seq = ?")) {
                    update.setString(1, subject);
                    update.setString(2, previous);
                    update.setString(3, hash);
                    update.setLong(4, r.sequence());
                    update.executeUpdate();
                }
                previous = hash;
            }
            try (PreparedStatement head = c.prepareStatement("UPDATE ca_audit_head SET hash = ? WHERE id = 1")) {
                head.setString(1, previous);
                head.executeUpdate();
            }
        }
        assertThat(trail.verify().intact()).isTrue();
        AuditVerification signed = trail.verify(key.certificate());
        assertThat(signed.intact()).isFalse();
        assertThat(signed.firstBroken()).isEqualTo(4);
        assertThat(signed.problem()).contains("checkpoint");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-7: cutting the trail back behind a checkpoint, or forging a checkpoint, is detected")
    void truncationAndForgery(String name, Supplier<DataSource> database) throws Exception {
        DataSource ds = database.get();
        JdbcAuditTrail trail = trail(ds, 3);
        CaKey key = caKey();
        trail.checkpoint(key);
        trail.append(new AuditEvent("REVOKE", "CN=RA", "serial 1", Map.of()));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM ca_audit WHERE seq >= 3");
            s.execute("UPDATE ca_audit_head SET seq = 2, hash = (SELECT hash FROM ca_audit WHERE seq = 2) WHERE id = 1");
        }
        assertThat(trail.verify().intact()).isTrue();
        assertThat(trail.verify(key.certificate()).firstBroken()).isEqualTo(3);

        DataSource other = database.get();
        JdbcAuditTrail second = trail(other, 2);
        second.checkpoint(key);
        try (Connection c = other.getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE ca_audit_checkpoint SET at_millis = at_millis + 1");
        }
        assertThat(second.verify(key.certificate()).problem()).contains("does not verify");
    }
}
