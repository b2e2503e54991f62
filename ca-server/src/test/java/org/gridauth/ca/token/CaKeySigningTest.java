package org.gridauth.ca.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.bouncycastle.operator.ContentSigner;
import org.gridauth.ca.ceremony.CeremonyRequest;
import org.gridauth.ca.ceremony.KeyCeremony;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaKeySigningTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-CA-9: many threads sign with one HSM key at once, each on its own PKCS#11 session, and every signature verifies")
    void concurrentHsmSignatures() throws Exception {
        SoftHsmTokens.Token t = SoftHsmTokens.claim();
        Pkcs11Token token = Pkcs11Token.login(t.config(), t.pinChars());
        Clock clock = Clock.systemUTC();
        new KeyCeremony(clock, new CertificateMaker(clock), new JdbcAuditTrail(new CaDatabase(TestDatabases.h2()), clock))
                .run(token, new TokenInventory().describe(t.config()), new CeremonyRequest(List.of("test"),
                        GridDn.fromOpenSsl("/C=JP/O=GridAuth Test/CN=Signing Test CA"), "ca", 2048, true, CertificateProfiles.ca()));
        CaKey key = token.caKey("ca", "SHA256withRSA");

        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int thread = 0; thread < 6; thread++) {
                int id = thread;
                Callable<Integer> work = () -> {
                    int verified = 0;
                    for (int i = 0; i < 100; i++) {
                        byte[] data = ("thread " + id + " message " + i).getBytes();
                        ContentSigner signer = key.signer();
                        signer.getOutputStream().write(data);
                        byte[] signature = signer.getSignature();
                        Signature check = Signature.getInstance("SHA256withRSA");
                        check.initVerify(key.certificate().getPublicKey());
                        check.update(data);
                        verified += check.verify(signature) ? 1 : 0;
                    }
                    return verified;
                };
                results.add(pool.submit(work));
            }
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get();
            }
            assertThat(total).isEqualTo(600);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("R-CA-2: a software CA key (encrypted PKCS#12, embedded default only) signs, and loading it logs the GA-CA-006 warning")
    void softwareKeyWarns() throws Exception {
        TestPki pki = TestPki.shared();
        Path p12 = dir.resolve("ca.p12");
        char[] passphrase = "demo-ca-passphrase".toCharArray();
        CredentialFiles.writePkcs12(p12, pki.ca(), passphrase, "ca");

        SoftwareCaKey key = SoftwareCaKey.load(p12, passphrase);

        ContentSigner signer = key.signer();
        signer.getOutputStream().write(new byte[] {1, 2, 3});
        Signature check = Signature.getInstance("SHA256withRSA");
        check.initVerify(pki.ca().certificate().getPublicKey());
        check.update(new byte[] {1, 2, 3});
        assertThat(check.verify(signer.getSignature())).isTrue();
        assertThat(key.description()).contains(p12.toString());
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile"));
        assertThat(Files.readString(log)).contains("GA-CA-006").contains(p12.toString());
    }
}
