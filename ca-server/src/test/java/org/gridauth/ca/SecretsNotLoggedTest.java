package org.gridauth.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import javax.sql.DataSource;

import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.ceremony.CeremonyRequest;
import org.gridauth.ca.ceremony.KeyCeremony;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.ca.token.Pkcs11Token;
import org.gridauth.ca.token.Secrets;
import org.gridauth.ca.token.SoftHsmTokens;
import org.gridauth.ca.token.TokenInventory;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token PIN never reaches the CA log, the audit trail or an error message, whatever happens. */
class SecretsNotLoggedTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-CA-2: the HSM PIN (right or wrong) appears in no CA log line, audit record or error message")
    void pinNeverLogged() throws Exception {
        SoftHsmTokens.Token t = SoftHsmTokens.claim();
        String wrong = "Wq4-wrong-pin-" + System.nanoTime();
        Path pinFile = dir.resolve("pin");
        Files.writeString(pinFile, t.pin() + "\n");
        Path wrongFile = dir.resolve("wrong-pin");
        Files.writeString(wrongFile, wrong + "\n");

        String failure = "";
        try {
            Pkcs11Token.login(t.config(), Secrets.readFirstLine(wrongFile, "HSM PIN"));
        } catch (RuntimeException e) {
            failure = e.getMessage() + " " + e.getCause();
        }
        assertThat(failure).startsWith("GA-CA-002");

        Clock clock = Clock.systemUTC();
        DataSource ds = TestDatabases.h2();
        JdbcAuditTrail audit = new JdbcAuditTrail(new CaDatabase(ds), clock);
        Pkcs11Token token = Pkcs11Token.login(t.config(), Secrets.readFirstLine(pinFile, "HSM PIN"));
        KeyCeremony ceremony = new KeyCeremony(clock, new CertificateMaker(clock), audit);
        CeremonyRequest request = new CeremonyRequest(List.of("Hanako Sato"), GridDn.fromOpenSsl("/C=JP/O=GridAuth Test/CN=PIN Test CA"),
                "ca", 2048, true, CertificateProfiles.ca());
        ceremony.run(token, new TokenInventory().describe(t.config()), request);
        assertThatThrownBy(() -> ceremony.run(token, new TokenInventory().describe(t.config()), request)).hasMessageStartingWith("GA-CA-004");

        String log = Files.readString(Path.of(System.getProperty("org.slf4j.simpleLogger.logFile")));
        assertThat(log).contains("logged in to PKCS#11 slot " + t.config().slot()).contains("key ceremony by Hanako Sato");
        assertThat(log).doesNotContain(t.pin()).doesNotContain(wrong).doesNotContain(t.soPin());
        assertThat(failure).doesNotContain(t.pin()).doesNotContain(wrong);
        for (AuditRecord record : audit.read(1, Long.MAX_VALUE)) {
            assertThat(record.details() + record.actor() + record.subject()).doesNotContain(t.pin());
        }
    }
}
