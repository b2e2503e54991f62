package org.gridauth.ca.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.CertificateStatus;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.testing.TestPki;
import javax.sql.DataSource;

import org.gridauth.ca.store.CaDataSources;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashDuringIssuanceTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-CA-7: a CA process killed between signing and recording loses no handed-out certificate and reuses no serial")
    void killedBetweenSignAndRecord() throws Exception {
        Path base = dir.resolve("ca");
        List<String> issued = runUntilSigned(base, 4, 0);
        assertThat(issued).hasSize(3);
        checkRecovery(base, issued, 1);
    }

    @Test
    @DisplayName("R-CA-7: a CA process killed while a batch is signed (some signed, none recorded) loses no handed-out certificate and reuses no serial; the whole batch is abandoned")
    void killedDuringABatch() throws Exception {
        Path base = dir.resolve("ca-batch");
        // Batches of 3: the first is recorded; the second has its 3 serials reserved and is killed at its 2nd signature.
        List<String> issued = runUntilSigned(base, 5, 3);
        assertThat(issued).hasSize(3);
        checkRecovery(base, issued, 3);
    }

    /** Runs {@link CrashIssuer} until it prints SIGNED, kills it (kill -9) and returns the serials it handed out. */
    private List<String> runUntilSigned(Path base, int stopAfter, int batch) throws Exception {
        Path p12 = dir.resolve("ca.p12");
        if (!Files.exists(p12)) {
            CredentialFiles.writePkcs12(p12, TestPki.shared().ca(), "crash-test-passphrase".toCharArray(), "ca");
        }
        Path passphrase = Files.writeString(dir.resolve("passphrase"), "crash-test-passphrase\n");
        Path err = dir.resolve("child-" + base.getFileName() + ".err");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashIssuer.class.getName(), base.toString(), p12.toString(), passphrase.toString(),
                String.valueOf(stopAfter), String.valueOf(batch))
                .redirectError(err.toFile()).start();
        List<String> issued = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            String line;
            while ((line = out.readLine()) != null && !line.equals("SIGNED")) {
                if (line.startsWith("ISSUED ")) {
                    issued.add(line.substring(7));
                }
                if (System.nanoTime() > deadline) {
                    fail("the CA process did not reach signature " + stopAfter);
                }
            }
            if (line == null) {
                fail("the CA process ended early: " + Files.readString(err));
            }
            // The certificate is signed and not yet recorded: kill -9 now.
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        return issued;
    }

    /** What a restarted CA finds: every handed-out certificate VALID, the interrupted reservations PENDING, then abandoned for good. */
    private void checkRecovery(Path base, List<String> issued, int interrupted) throws Exception {
        DataSource ds = CaDataSources.h2File(base);
        CaDatabase database = new CaDatabase(ds);
        JdbcAuditTrail audit = new JdbcAuditTrail(database, Clock.systemUTC());
        JdbcCertificateStore store = new JdbcCertificateStore(database, audit, Clock.systemUTC());
        for (String serial : issued) {
            var record = store.find(new BigInteger(serial, 16)).orElseThrow();
            assertThat(record.status()).isEqualTo(CertificateStatus.VALID);
            assertThat(record.certificate().getSerialNumber().toString(16)).isEqualTo(serial);
        }
        assertThat(serials(ds, "VALID")).containsExactlyInAnyOrderElementsOf(issued);
        List<String> pending = serials(ds, "PENDING");
        assertThat(pending).hasSize(interrupted).doesNotContainAnyElementsOf(issued);

        assertThat(store.abandonStale(Instant.now().plusSeconds(1))).isEqualTo(interrupted);
        assertThat(serials(ds, "PENDING")).isEmpty();
        assertThat(serials(ds, "ABANDONED")).containsExactlyElementsOf(pending);
        for (String serial : pending) {
            assertThatThrownBy(() -> store.reserve(new BigInteger(serial, 16), "host", "/C=JP/O=GridAuth Test/CN=again.example.org", null))
                    .isInstanceOf(JdbcCertificateStore.SerialInUse.class);
        }
        List<String> expected = new ArrayList<>();
        issued.forEach(s -> expected.add("ISSUE"));
        for (int i = 0; i < interrupted; i++) {
            expected.add("ISSUE_ABANDONED");
        }
        assertThat(audit.read(1, 100)).extracting(AuditRecord::type).containsExactlyElementsOf(expected);
        assertThat(audit.verify().intact()).isTrue();
    }

    private static List<String> serials(DataSource ds, String status) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT serial FROM ca_certificate WHERE status = '" + status + "' ORDER BY serial")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
