package org.gridauth.gsi.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.operator.ContentSigner;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.MutableClock;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.testing.TestSigners;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateMakerTest {

    private final TestPki pki = TestPki.shared();

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-CA-2: the CA certificate is a 10-year RSA-2048+ root with keyCertSign+cRLSign and critical basicConstraints")
    void caCertificate() {
        X509Certificate ca = pki.ca().certificate();
        assertThat(ca.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
        assertThat(ca.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
        assertThat(ca.getKeyUsage()).containsExactly(false, false, false, false, false, true, true, false, false);
        assertThat(Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()).toDays()).isBetween(3650L, 3654L);
        assertThat(KeySize.bits(ca.getPublicKey())).isGreaterThanOrEqualTo(2048);
        lint(ca);
    }

    @Test
    @DisplayName("R-CA-3: client, host and service certificates are RSA 2048, 13 months, digitalSignature+keyEncipherment")
    void endEntityProfiles() throws Exception {
        Credential service = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=myproxy/login.example.jp"), List.of());
        for (Credential credential : List.of(pki.user(), pki.host(), service)) {
            X509Certificate cert = credential.certificate();
            assertThat(cert.getKeyUsage()).startsWith(true, false, true, false, false, false, false);
            assertThat(cert.getBasicConstraints()).isEqualTo(-1);
            Instant start = cert.getNotBefore().toInstant();
            assertThat(cert.getNotAfter().toInstant()).isEqualTo(start.atOffset(ZoneOffset.UTC).plusMonths(13).toInstant());
            lint(cert);
        }
        assertThat(pki.user().certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(pki.host().certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    }

    @Test
    @DisplayName("R-CA-3: issued certificates pass openssl verify -x509_strict; the host certificate carries its DNS names")
    void opensslStrict() throws Exception {
        GridTools.require("openssl", "openssl");
        for (Credential credential : List.of(pki.user(), pki.host())) {
            Path file = dir.resolve("cert.pem");
            Files.writeString(file, Pem.encode(credential.certificate()));
            GridTools.Result result = GridTools.run(List.of("openssl", "verify", "-x509_strict", "-CApath", pki.trustDir().toString(),
                    "-crl_check", file.toString()));
            assertThat(result.exitCode()).as(result.all()).isZero();
        }
        assertThat(pki.host().certificate().getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
                .contains(pki.hostName(), "localhost");
    }

    @Test
    @DisplayName("R-RS-1: grid-cert-diagnostics accepts the host certificate for this host's name")
    void gridCertDiagnosticsHost() throws Exception {
        GridTools.require("grid-cert-diagnostics", "globus-gsi-cert-utils-progs");
        Path file = dir.resolve("hostcert.pem");
        Files.writeString(file, Pem.encode(pki.host().certificate()));
        Path gridmap = Files.writeString(dir.resolve("grid-mapfile"), "");
        GridTools.Result result = GridTools.run(List.of("grid-cert-diagnostics", "-c", file.toString(), "-H", pki.hostName()),
                Map.of("X509_CERT_DIR", pki.trustDir().toString(), "GRIDMAP", gridmap.toString()), null, Duration.ofSeconds(60));
        String checks = result.stdout().substring(result.stdout().indexOf("Checking CA file"));
        assertThat(checks).as(result.all()).doesNotContain("failed");
        assertThat(result.stdout()).contains("ok");
    }

    @Test
    @DisplayName("R-CA-1: SKI, AKI, CRL distribution point, AIA and certificate policies are set as requested")
    void links() {
        KeyPair key = TestPki.newKey();
        IssuanceRequest request = IssuanceRequest.of(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=Linked"),
                        key.getPublic(), pki.maker().randomSerial())
                .withLinks(URI.create("http://ca.example.jp/crl.der"), URI.create("http://ca.example.jp/ocsp"), URI.create("http://ca.example.jp/ca.der"))
                .withPolicies(List.of("1.3.6.1.4.1.99999.1.1"));
        X509Certificate cert = pki.maker().issue(request, pki.ca().certificate(), pki.caSigner());
        assertThat(cert.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
        assertThat(cert.getExtensionValue(Extension.authorityKeyIdentifier.getId())).isNotNull();
        assertThat(new String(cert.getExtensionValue(Extension.cRLDistributionPoints.getId()))).contains("http://ca.example.jp/crl.der");
        assertThat(new String(cert.getExtensionValue(Extension.authorityInfoAccess.getId()))).contains("http://ca.example.jp/ocsp");
        assertThat(cert.getExtensionValue(Extension.certificatePolicies.getId())).isNotNull();
        assertThat(cert.getSerialNumber().bitLength()).isGreaterThanOrEqualTo(64);
    }

    @Test
    @DisplayName("R-CA-3: sign() encodes the certificate issue() would return; the JDK parses it and the recorded fields are the encoded ones")
    void signedEncoding() throws Exception {
        KeyPair key = TestPki.newKey();
        IssuanceRequest request = IssuanceRequest.of(CertificateProfiles.host(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=host.example.jp"),
                        key.getPublic(), pki.maker().randomSerial())
                .withDnsNames(List.of("host.example.jp"))
                .withLinks(URI.create("http://ca.example.jp/crl.der"), URI.create("http://ca.example.jp/ocsp"), URI.create("http://ca.example.jp/ca.der"))
                .withNotBefore(Instant.parse("2026-01-01T00:00:00.700Z"));
        SignedCertificate signed = pki.maker().sign(request, pki.ca().certificate(), pki.caSigner());
        X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(signed.encoded()));
        parsed.verify(pki.ca().certificate().getPublicKey());
        assertThat(parsed.getSerialNumber()).isEqualTo(signed.serial()).isEqualTo(request.serial());
        assertThat(GridDn.of(parsed.getSubjectX500Principal())).isEqualTo(signed.subject());
        assertThat(parsed.getIssuerX500Principal()).isEqualTo(pki.ca().certificate().getSubjectX500Principal());
        assertThat(parsed.getNotBefore().toInstant()).isEqualTo(signed.notBefore()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(parsed.getNotAfter().toInstant()).isEqualTo(signed.notAfter());
        assertThat(parsed.getSubjectAlternativeNames()).containsExactly(List.of(2, "host.example.jp"));
        assertThat(signed.toX509Certificate().getEncoded()).isEqualTo(signed.encoded());
        lint(parsed);
    }

    @Test
    @DisplayName("R-CA-1: a signature that does not verify with the issuer's key (an HSM fault) never becomes a certificate")
    void faultySignatureRefused() {
        ContentSigner faulty = TestSigners.changing(pki.caSigner(), (signed, signature) -> TestSigners.faulted(signature));
        KeyPair key = TestPki.newKey();
        assertThatThrownBy(() -> pki.maker().sign(IssuanceRequest.of(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=Faulty"),
                key.getPublic(), pki.maker().randomSerial()), pki.ca().certificate(), faulty))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.CERTIFICATE_BUILD_FAILED))
                .hasMessageContaining("does not verify");
    }

    @Test
    @DisplayName("R-CA-1: prepare, signWith and complete make the certificate sign() makes; a signature of another certificate is refused")
    void threeSteps() throws Exception {
        KeyPair key = TestPki.newKey();
        IssuanceRequest first = IssuanceRequest.of(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=First"),
                key.getPublic(), pki.maker().randomSerial()).withNotBefore(Instant.parse("2026-01-01T00:00:00Z"));
        IssuanceRequest second = IssuanceRequest.of(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=Second"),
                key.getPublic(), pki.maker().randomSerial()).withNotBefore(Instant.parse("2026-01-01T00:00:00Z"));
        ContentSigner signer = pki.caSigner();
        TbsCertificate one = pki.maker().prepare(first, pki.ca().certificate(), signer.getAlgorithmIdentifier());
        TbsCertificate two = pki.maker().prepare(second, pki.ca().certificate(), signer.getAlgorithmIdentifier());
        byte[] signatureOfOne = one.signWith(signer);
        byte[] signatureOfTwo = two.signWith(signer);

        SignedCertificate made = pki.maker().complete(one, signatureOfOne);
        // PKCS#1 v1.5 signatures are deterministic: the same TBS gives the same DER as the one-call path.
        assertThat(made.encoded()).isEqualTo(pki.maker().sign(first, pki.ca().certificate(), pki.caSigner()).encoded());
        made.toX509Certificate().verify(pki.ca().certificate().getPublicKey());
        assertThatThrownBy(() -> pki.maker().complete(two, signatureOfOne))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.CERTIFICATE_BUILD_FAILED))
                .hasMessageContaining("does not verify");
        assertThat(pki.maker().complete(two, signatureOfTwo).subject()).isEqualTo(second.subject());
    }

    @Test
    @DisplayName("R-CA-1: a prepared certificate is signed only with the algorithm encoded in it")
    void signerAlgorithmMustMatch() {
        KeyPair key = TestPki.newKey();
        TbsCertificate tbs = pki.maker().prepare(IssuanceRequest.of(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=Other"),
                key.getPublic(), pki.maker().randomSerial()), pki.ca().certificate(), pki.caSigner().getAlgorithmIdentifier());
        ContentSigner sha512 = Signers.software(pki.ca().privateKey(), "SHA512withRSA");
        assertThatThrownBy(() -> tbs.signWith(sha512))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.CERTIFICATE_BUILD_FAILED))
                .hasMessageContaining("is not the prepared");
    }

    @Test
    @DisplayName("R-CA-1: a signer that fails gives a certificate build failure naming the subject; its own GridAuthException passes unchanged")
    void signerFailure() {
        java.util.function.Function<RuntimeException, ContentSigner> failingWith = failure -> TestSigners.changing(pki.caSigner(), (signed, signature) -> {
            throw failure;
        });
        KeyPair key = TestPki.newKey();
        IssuanceRequest request = IssuanceRequest.of(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=Broken Token"),
                key.getPublic(), pki.maker().randomSerial());
        assertThatThrownBy(() -> pki.maker().sign(request, pki.ca().certificate(), failingWith.apply(new IllegalStateException("token gone"))))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.CERTIFICATE_BUILD_FAILED))
                .hasMessageContaining("Broken Token").hasMessageContaining("token gone");
        GridAuthException own = new GridAuthException(GsiError.PROFILE_INVALID, "x", "y");
        assertThatThrownBy(() -> pki.maker().sign(request, pki.ca().certificate(), failingWith.apply(own))).isSameAs(own);
    }

    @Test
    @DisplayName("R-CA-3: serials are 127 bits, grow with the issuing time and keep 78 random bits")
    void serialsGrowWithTime() {
        Instant start = Instant.parse("2026-11-24T00:00:00Z");
        MutableClock clock = new MutableClock(start);
        CertificateMaker maker = new CertificateMaker(clock);
        Set<BigInteger> seen = new HashSet<>();
        BigInteger previous = BigInteger.ZERO;
        for (int i = 0; i < 200; i++) {
            clock.set(start.plusMillis(i));
            BigInteger serial = maker.randomSerial();
            assertThat(serial.bitLength()).isEqualTo(127);
            assertThat(serial.shiftRight(CertificateMaker.SERIAL_RANDOM_BITS).clearBit(48).longValue()).isEqualTo(clock.millis());
            assertThat(serial).isGreaterThan(previous);
            assertThat(seen.add(serial)).isTrue();
            previous = serial;
        }
        // Within one millisecond the order is random: the low 78 bits differ between draws.
        BigInteger randomPart = BigInteger.ONE.shiftLeft(CertificateMaker.SERIAL_RANDOM_BITS).subtract(BigInteger.ONE);
        Set<BigInteger> sameMillisecond = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            sameMillisecond.add(maker.randomSerial().and(randomPart));
        }
        assertThat(sameMillisecond).hasSize(100);
    }


    @Test
    @DisplayName("R-CA-3: a key below the profile minimum, a host without DNS name and a non-CA issuer are refused")
    void refusals() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        KeyPair weak = generator.generateKeyPair();
        assertThatThrownBy(() -> pki.maker().issue(IssuanceRequest.of(CertificateProfiles.client(), GridDn.fromOpenSsl("/C=JP/CN=Weak"),
                weak.getPublic(), pki.maker().randomSerial()), pki.ca().certificate(), pki.caSigner()))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.KEY_TOO_SMALL))
                .hasMessageContaining("1024-bit RSA key").hasMessageContaining("\"client\"");
        KeyPair key = TestPki.newKey();
        assertThatThrownBy(() -> pki.maker().issue(IssuanceRequest.of(CertificateProfiles.host(), GridDn.fromOpenSsl("/C=JP/CN=host"),
                key.getPublic(), pki.maker().randomSerial()), pki.ca().certificate(), pki.caSigner()))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.SUBJECT_ALT_NAME_REQUIRED));
        assertThatThrownBy(() -> pki.maker().issue(IssuanceRequest.of(CertificateProfiles.client(), GridDn.fromOpenSsl("/C=JP/CN=x"),
                key.getPublic(), pki.maker().randomSerial()), pki.user().certificate(), pki.caSigner()))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.ISSUER_NOT_CA));
    }

    @Test
    @DisplayName("R-CA-3: an end-entity certificate never outlives its CA")
    void clippedToIssuer() {
        KeyPair key = TestPki.newKey();
        CertificateProfile long_ = new CertificateProfile("long", CertificateKind.CLIENT, Period.ofYears(20), 2048,
                EnumSet.of(KeyUsageBit.DIGITAL_SIGNATURE), List.of(), null, false, "SHA256withRSA");
        X509Certificate cert = pki.maker().issue(IssuanceRequest.of(long_, GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=Long"),
                key.getPublic(), pki.maker().randomSerial()), pki.ca().certificate(), pki.caSigner());
        assertThat(cert.getNotAfter()).isEqualTo(pki.ca().certificate().getNotAfter());
    }

    @Test
    @DisplayName("R-CA-11: profiles are checked when made: SHA-1, keyCertSign on end entities and small keys are refused")
    void profileValidation() {
        assertThatThrownBy(() -> new CertificateProfile("bad", CertificateKind.CLIENT, Period.ofMonths(13), 2048,
                EnumSet.of(KeyUsageBit.DIGITAL_SIGNATURE), List.of(), null, false, "SHA1withRSA"))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.PROFILE_INVALID))
                .hasMessageContaining("SHA1withRSA");
        assertThatThrownBy(() -> new CertificateProfile("bad", CertificateKind.CLIENT, Period.ofMonths(13), 2048,
                EnumSet.of(KeyUsageBit.KEY_CERT_SIGN), List.of(), null, false, "SHA256withRSA"))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.PROFILE_INVALID));
        assertThatThrownBy(() -> new CertificateProfile("bad", CertificateKind.CA, Period.ofYears(10), 1024,
                EnumSet.of(KeyUsageBit.KEY_CERT_SIGN), List.of(), null, false, "SHA256withRSA"))
                .hasMessageContaining("2048");
    }

    /** MICS-style profile lint: no SHA-1, key usage critical, basicConstraints critical on CAs, v3, positive serial. */
    static void lint(X509Certificate cert) {
        assertThat(cert.getVersion()).isEqualTo(3);
        assertThat(cert.getSigAlgName().toUpperCase()).doesNotContain("SHA1").contains("SHA256");
        assertThat(cert.getCriticalExtensionOIDs()).contains(Extension.keyUsage.getId());
        if (cert.getBasicConstraints() >= 0) {
            assertThat(cert.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId());
        }
        assertThat(cert.getSerialNumber().signum()).isPositive();
        assertThat(cert.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
    }
}
