package org.gridauth.ca.ceremony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.ca.token.CaKey;
import org.gridauth.ca.token.Pkcs11Token;
import org.gridauth.ca.token.SoftHsmTokens;
import org.gridauth.ca.token.TokenIdentity;
import org.gridauth.ca.token.TokenInventory;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.testing.GridTools;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyCeremonyTest {

    private static final GridDn CA = GridDn.fromOpenSsl("/C=JP/O=GridAuth Ceremony Test/CN=GridAuth Ceremony Test CA");

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();
    private final JdbcAuditTrail audit = new JdbcAuditTrail(new CaDatabase(TestDatabases.h2()), clock);
    private final KeyCeremony ceremony = new KeyCeremony(clock, new CertificateMaker(clock), audit);

    @Test
    @DisplayName("R-CA-2: the ceremony generates a sensitive, never-extractable RSA key in the HSM and a 10-year self-signed root that openssl accepts")
    void selfSignedRoot() throws Exception {
        Path pkcs11Tool = GridTools.require("pkcs11-tool", "opensc");
        GridTools.require("openssl", "openssl");
        SoftHsmTokens.Token t = SoftHsmTokens.claim();
        Pkcs11Token token = Pkcs11Token.login(t.config(), t.pinChars());
        TokenIdentity identity = new TokenInventory().describe(t.config());
        assertThat(identity.label()).isEqualTo(t.label());

        CeremonyRecord record = ceremony.run(token, identity,
                new CeremonyRequest(List.of("Hanako Sato", "Jiro Suzuki"), CA, "ca-2026", 2048, true, CertificateProfiles.ca()));

        X509Certificate root = record.certificate();
        assertThat(((RSAPublicKey) root.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(root.getSubjectX500Principal()).isEqualTo(root.getIssuerX500Principal());
        assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(root.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        assertThat(root.getKeyUsage()).containsExactly(false, false, false, false, false, true, true, false, false);
        assertThat(root.getSigAlgOID()).isEqualTo("1.2.840.113549.1.1.11");
        assertThat(root.getNotAfter().toInstant().atOffset(ZoneOffset.UTC).minusYears(10).toInstant())
                .isCloseTo(root.getNotBefore().toInstant(), new org.assertj.core.data.TemporalUnitWithinOffset(1, ChronoUnit.SECONDS));

        // The token says the private key is sensitive and can never be extracted.
        GridTools.Result objects = GridTools.run(List.of(pkcs11Tool.toString(), "--module", t.config().library().toString(),
                "--slot", Long.toString(t.config().slot()), "--list-objects", "--login", "--pin", t.pin()));
        assertThat(objects.exitCode()).as(objects.all()).isZero();
        // SunPKCS11 links key and certificate through CKA_ID = the label's bytes.
        String id = java.util.HexFormat.of().formatHex("ca-2026".getBytes(StandardCharsets.US_ASCII));
        List<String> privateKeys = java.util.Arrays.stream(objects.stdout().split("(?=Private Key Object|Public Key Object|Certificate Object|Data object)"))
                .filter(block -> block.startsWith("Private Key Object")).toList();
        assertThat(privateKeys).as(objects.stdout()).hasSize(1);
        String privateKey = privateKeys.get(0);
        assertThat(privateKey).contains("ID:         " + id).contains("sensitive").contains("never extractable")
                .doesNotContain("decrypt").doesNotContain("unwrap");
        assertThat(privateKey.replace("never extractable", "")).doesNotContain("extractable");
        assertThat(objects.stdout()).contains("Certificate Object");

        // openssl: strict verification of the root against itself, and the same fingerprints the ceremony printed.
        Path rootPem = dir.resolve("root.pem");
        Files.writeString(rootPem, Pem.encode(root));
        GridTools.Result verify = GridTools.run(List.of("openssl", "verify", "-x509_strict", "-CAfile", rootPem.toString(), rootPem.toString()));
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        GridTools.Result fingerprint = GridTools.run(List.of("openssl", "x509", "-in", rootPem.toString(), "-noout", "-fingerprint", "-sha256"));
        assertThat(fingerprint.stdout()).contains(record.certificateSha256());

        // The key is found again by label, signs, and the ceremony is on record with the token's serial number.
        CaKey key = token.caKey("ca-2026", "SHA256withRSA");
        assertThat(key.certificate()).isEqualTo(root);
        AuditRecord entry = audit.read(record.auditSequence(), record.auditSequence()).get(0);
        assertThat(entry.type()).isEqualTo("KEY_CEREMONY");
        assertThat(entry.actor()).isEqualTo("Hanako Sato, Jiro Suzuki");
        assertThat(entry.details()).contains("token.serial=" + identity.serial()).contains("key.label=ca-2026")
                .contains("key.id=" + record.keyId()).contains("certificate.sha256=" + record.certificateSha256())
                .contains("certificate.sha1=" + record.certificateSha1());
        assertThat(identity.serial()).isNotBlank();
        assertThat(audit.verify().intact()).isTrue();
    }

    @Test
    @DisplayName("R-CA-2: for an external root the ceremony writes a CSR signed by the HSM key that openssl req -verify accepts")
    void csrForExternalRoot() throws Exception {
        GridTools.require("openssl", "openssl");
        SoftHsmTokens.Token t = SoftHsmTokens.claim();
        Pkcs11Token token = Pkcs11Token.login(t.config(), t.pinChars());
        TokenIdentity identity = new TokenInventory().describe(t.config());

        CeremonyRecord record = ceremony.run(token, identity,
                new CeremonyRequest(List.of("Hanako Sato"), CA, "sub-ca", 3072, false, CertificateProfiles.ca()));

        assertThat(record.selfSigned()).isFalse();
        assertThat(record.certificate().getNotAfter().toInstant()).isBefore(java.time.Instant.now().plus(java.time.Duration.ofDays(1).plusMinutes(1)));
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(record.csrDer());
        assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))).isTrue();
        assertThat(GridDn.of(new javax.security.auth.x500.X500Principal(csr.getSubject().getEncoded()))).isEqualTo(CA);
        Path csrPem = dir.resolve("ca.csr");
        Files.writeString(csrPem, "-----BEGIN CERTIFICATE REQUEST-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(record.csrDer())
                + "\n-----END CERTIFICATE REQUEST-----\n");
        GridTools.Result verify = GridTools.run(List.of("openssl", "req", "-in", csrPem.toString(), "-noout", "-verify", "-text"));
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.all()).contains("3072 bit");
        assertThat(audit.read(record.auditSequence(), record.auditSequence()).get(0).details()).contains("csr.sha256=");
    }

    @Test
    @DisplayName("R-CA-2: a ceremony never overwrites an existing key (GA-CA-004) and the refusal is in the audit trail")
    void refusesExistingLabel() {
        SoftHsmTokens.Token t = SoftHsmTokens.claim();
        Pkcs11Token token = Pkcs11Token.login(t.config(), t.pinChars());
        TokenIdentity identity = new TokenInventory().describe(t.config());
        CeremonyRequest request = new CeremonyRequest(List.of("Hanako Sato"), CA, "ca", 2048, true, CertificateProfiles.ca());
        X509Certificate first = ceremony.run(token, identity, request).certificate();

        assertThatThrownBy(() -> ceremony.run(token, identity, request)).isInstanceOf(GridAuthException.class).hasMessageStartingWith("GA-CA-004");

        assertThat(token.caKey("ca", "SHA256withRSA").certificate()).isEqualTo(first);
        List<AuditRecord> records = audit.read(1, 10);
        assertThat(records).extracting(AuditRecord::type).containsExactly("KEY_CEREMONY", "KEY_CEREMONY_FAILED");
        assertThat(records.get(1).details()).contains("GA-CA-004");
    }

    @Test
    @DisplayName("R-CA-2: a wrong PIN is refused with GA-CA-002 and the message does not contain the PIN")
    void wrongPin() {
        SoftHsmTokens.Token t = SoftHsmTokens.claim();
        String wrong = t.pin() + "-wrong";
        assertThatThrownBy(() -> Pkcs11Token.login(t.config(), wrong.toCharArray()))
                .isInstanceOf(GridAuthException.class).hasMessageStartingWith("GA-CA-002")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain(t.pin()));
    }

    @Test
    @DisplayName("R-CA-2: ceremony parameters are checked before the token is touched: operators named, RSA 2048 or more")
    void invalidRequests() {
        assertThatThrownBy(() -> new CeremonyRequest(List.of(), CA, "ca", 2048, true, CertificateProfiles.ca()))
                .hasMessageStartingWith("GA-CA-009");
        assertThatThrownBy(() -> new CeremonyRequest(List.of("Hanako Sato"), CA, "ca", 1024, true, CertificateProfiles.ca()))
                .hasMessageStartingWith("GA-CA-009");
        assertThatThrownBy(() -> new CeremonyRequest(List.of("Hanako Sato"), CA, "ca", 2048, true, CertificateProfiles.client()))
                .hasMessageStartingWith("GA-CA-009");
    }
}
