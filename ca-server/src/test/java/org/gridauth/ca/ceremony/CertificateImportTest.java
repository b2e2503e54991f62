package org.gridauth.ca.ceremony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.ca.token.CaKey;
import org.gridauth.ca.token.Pkcs11Token;
import org.gridauth.ca.token.SoftHsmTokens;
import org.gridauth.ca.token.TokenInventory;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.profile.IssuanceRequest;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateImportTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-CA-2: after a CSR ceremony the external root's certificate is imported next to the HSM key, which then issues certificates that openssl verifies up to that root")
    void importExternalRootCertificate() throws Exception {
        GridTools.require("openssl", "openssl");
        Clock clock = Clock.systemUTC();
        JdbcAuditTrail audit = new JdbcAuditTrail(new CaDatabase(TestDatabases.h2()), clock);
        SoftHsmTokens.Token t = SoftHsmTokens.claim();
        Pkcs11Token token = Pkcs11Token.login(t.config(), t.pinChars());
        GridDn subCa = GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=GridAuth Sub CA");
        CeremonyRecord ceremony = new KeyCeremony(clock, new CertificateMaker(clock), audit).run(token, new TokenInventory().describe(t.config()),
                new CeremonyRequest(List.of("Hanako Sato"), subCa, "sub", 2048, false, CertificateProfiles.ca()));

        // The external root (TestPki's CA) certifies the key from the CSR.
        TestPki root = TestPki.shared();
        var csrKey = new JcaPKCS10CertificationRequest(ceremony.csrDer()).getPublicKey();
        X509Certificate issued = root.maker().issue(IssuanceRequest.of(CertificateProfiles.ca(), subCa, csrKey, root.maker().randomSerial()),
                root.ca().certificate(), root.caSigner());
        X509Certificate foreign = root.maker().issue(IssuanceRequest.of(CertificateProfiles.ca(), subCa, TestPki.newKey().getPublic(),
                root.maker().randomSerial()), root.ca().certificate(), root.caSigner());

        CertificateImport importer = new CertificateImport(audit);
        assertThatThrownBy(() -> importer.run(token, "sub", List.of(foreign, root.ca().certificate()), List.of("Hanako Sato")))
                .hasMessageStartingWith("GA-CA-035").hasMessageContaining("another public key");
        assertThatThrownBy(() -> importer.run(token, "sub", List.of(issued, issued), List.of("Hanako Sato")))
                .hasMessageStartingWith("GA-CA-035").hasMessageContaining("not signed");
        importer.run(token, "sub", List.of(issued, root.ca().certificate()), List.of("Hanako Sato"));

        CaKey key = token.caKey("sub", "SHA256withRSA");
        assertThat(key.certificate()).isEqualTo(issued);
        X509Certificate host = new CertificateMaker(clock).issue(IssuanceRequest.of(CertificateProfiles.host(),
                GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=sub.example.org"), TestPki.newKey().getPublic(), new CertificateMaker(clock).randomSerial())
                .withDnsNames(List.of("sub.example.org")), key.certificate(), key.signer());
        Path rootPem = Files.writeString(dir.resolve("root.pem"), Pem.encode(root.ca().certificate()));
        Path subPem = Files.writeString(dir.resolve("sub.pem"), Pem.encode(issued));
        Path hostPem = Files.writeString(dir.resolve("host.pem"), Pem.encode(host));
        GridTools.Result verify = GridTools.run(List.of("openssl", "verify", "-x509_strict", "-CAfile", rootPem.toString(),
                "-untrusted", subPem.toString(), hostPem.toString()));
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(audit.read(1, 10)).extracting(AuditRecord::type).containsExactly("KEY_CEREMONY", "CA_CERTIFICATE_IMPORT_REFUSED", "CA_CERTIFICATE_IMPORT_REFUSED", "CA_CERTIFICATE_IMPORTED");
    }
}
