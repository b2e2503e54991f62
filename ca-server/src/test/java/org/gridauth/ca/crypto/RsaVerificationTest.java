package org.gridauth.ca.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.util.List;

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.gridauth.ca.CaError;
import org.gridauth.ca.policy.CsrInspector;
import org.gridauth.ca.service.HsmTestCa;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.profile.IssuanceRequest;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.testing.TestSigners;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * R-CA-1, R-CA-11: the RSA checks on the CA's issuing path (a request's proof of possession, the token's signature on
 * each certificate) give the same answers natively as with the JDK, and a faulty signature never passes.
 */
class RsaVerificationTest {

    private static final byte[] MESSAGE = "tbsCertificate of Taro Yamada hpci000101".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final RsaVerification nativeChecks = RsaVerification.preferNative();
    private final RsaVerification jdkChecks = RsaVerification.jdkOnly();
    private final KeyPair key = TestPki.newKey();

    @Test
    @DisplayName("on the CA's platform (Linux x86-64) the native library loads and says which it is; the JDK-only checks say so")
    void nativeOnTheCaPlatform() {
        assertThat(nativeChecks.isNative()).as(nativeChecks.description()).isTrue();
        assertThat(nativeChecks.description()).contains("Amazon Corretto Crypto Provider 2.").contains("AWS-LC");
        assertThat(jdkChecks.isNative()).isFalse();
        assertThat(jdkChecks.description()).contains("SunRsaSign");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHA256withRSA", "SHA384withRSA", "SHA512withRSA", "SHA1withRSA", "SHA224withRSA"})
    @DisplayName("a good signature verifies, a changed signature or message does not, natively and with the JDK alike (SHA-1 and SHA-224 always with the JDK)")
    void sameAnswers(String algorithm) throws Exception {
        byte[] signature = sign(key, algorithm, MESSAGE);
        byte[] changedMessage = MESSAGE.clone();
        changedMessage[3] ^= 1;
        for (RsaVerification checks : List.of(nativeChecks, jdkChecks)) {
            for (ContentVerifierProvider verifiers : List.of(checks.verifiersFor(key.getPublic()), checks.verifiersFor(spki(key.getPublic()), rsa(key.getPublic())))) {
                assertThat(verify(verifiers, algorithm, MESSAGE, signature)).as(checks.description()).isTrue();
                assertThat(verify(verifiers, algorithm, MESSAGE, TestSigners.faulted(signature))).as(checks.description()).isFalse();
                assertThat(verify(verifiers, algorithm, changedMessage, signature)).as(checks.description()).isFalse();
            }
        }
    }

    @Test
    @DisplayName("a signature one byte short is refused natively as by the JDK (an exception, never a pass); SHA-256 goes native, SHA-1 does not")
    void truncatedSignature() throws Exception {
        byte[] signature = sign(key, "SHA256withRSA", MESSAGE);
        byte[] shorter = java.util.Arrays.copyOf(signature, signature.length - 1);
        // The two libraries word it differently, which also shows that the native one answered.
        assertThatThrownBy(() -> verify(nativeChecks.verifiersFor(key.getPublic()), "SHA256withRSA", MESSAGE, shorter))
                .hasMessageContaining("RSA Signature of invalid length");
        assertThatThrownBy(() -> verify(nativeChecks.verifiersFor(spki(key.getPublic()), rsa(key.getPublic())), "SHA256withRSA", MESSAGE, shorter))
                .hasMessageContaining("RSA Signature of invalid length");
        assertThatThrownBy(() -> verify(jdkChecks.verifiersFor(key.getPublic()), "SHA256withRSA", MESSAGE, shorter))
                .hasMessageContaining("Bad signature length");
        // SHA-1 stays with the JDK.
        byte[] sha1 = java.util.Arrays.copyOf(sign(key, "SHA1withRSA", MESSAGE), signature.length - 1);
        assertThatThrownBy(() -> verify(nativeChecks.verifiersFor(key.getPublic()), "SHA1withRSA", MESSAGE, sha1))
                .hasMessageContaining("Bad signature length");
    }

    @Test
    @DisplayName("the kept native form of the last key never answers for another key")
    void keyChanges() throws Exception {
        KeyPair other = TestPki.newKey();
        byte[] byKey = sign(key, "SHA256withRSA", MESSAGE);
        byte[] byOther = sign(other, "SHA256withRSA", MESSAGE);
        for (int round = 0; round < 2; round++) {
            assertThat(verify(nativeChecks.verifiersFor(key.getPublic()), "SHA256withRSA", MESSAGE, byKey)).isTrue();
            assertThat(verify(nativeChecks.verifiersFor(other.getPublic()), "SHA256withRSA", MESSAGE, byKey)).isFalse();
            assertThat(verify(nativeChecks.verifiersFor(other.getPublic()), "SHA256withRSA", MESSAGE, byOther)).isTrue();
            assertThat(verify(nativeChecks.verifiersFor(key.getPublic()), "SHA256withRSA", MESSAGE, byOther)).isFalse();
        }
    }

    @Test
    @DisplayName("a key the native library will not read (an even modulus) is checked by the JDK: no error of its own, the JDK's answer")
    void keyTheNativeLibraryRefuses() throws Exception {
        BigInteger evenModulus = BigInteger.ONE.shiftLeft(2047).add(BigInteger.valueOf(12346));
        PublicKey odd = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(evenModulus, BigInteger.valueOf(65537)));
        byte[] garbage = new byte[256];
        garbage[255] = 2;
        for (RsaVerification checks : List.of(nativeChecks, jdkChecks)) {
            assertThat(verify(checks.verifiersFor(odd), "SHA256withRSA", MESSAGE, garbage)).as(checks.description()).isFalse();
            assertThat(verify(checks.verifiersFor(spki(odd), rsa(odd)), "SHA256withRSA", MESSAGE, garbage)).as(checks.description()).isFalse();
        }
    }

    @Test
    @DisplayName("a 504-bit key, which the JDK refuses to use, is refused as before although the native library would take it")
    void keyTheJdkRefuses() throws Exception {
        java.security.KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", org.gridauth.gsi.credential.Pem.BC);
        generator.initialize(504); // just big enough for a SHA-256 DigestInfo
        KeyPair small = generator.generateKeyPair();
        Signature signer = Signature.getInstance("SHA256withRSA", org.gridauth.gsi.credential.Pem.BC);
        signer.initSign(small.getPrivate());
        signer.update(MESSAGE);
        byte[] signature = signer.sign();
        for (RsaVerification checks : List.of(nativeChecks, jdkChecks)) {
            assertThatThrownBy(() -> verify(checks.verifiersFor(small.getPublic()), "SHA256withRSA", MESSAGE, signature)).as(checks.description())
                    .hasMessageContaining("512");
            assertThatThrownBy(() -> verify(checks.verifiersFor(spki(small.getPublic()), rsa(small.getPublic())), "SHA256withRSA", MESSAGE, signature)).as(checks.description())
                    .hasMessageContaining("512");
        }
    }

    @Test
    @DisplayName("an EC key is checked by the JDK as before")
    void ecKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = generator.generateKeyPair();
        byte[] signature = sign(ec, "SHA256withECDSA", MESSAGE);
        assertThat(verify(nativeChecks.verifiersFor(ec.getPublic()), "SHA256withECDSA", MESSAGE, signature)).isTrue();
        assertThat(verify(nativeChecks.verifiersFor(ec.getPublic()), "SHA256withECDSA", MESSAGE, sign(ec, "SHA256withECDSA", new byte[1]))).isFalse();
    }

    @Test
    @DisplayName("R-CA-1: a certificate signed through a token with a fault is never made when the checks are native")
    void faultyTokenSignatureRefused() {
        TestPki pki = TestPki.shared();
        CertificateMaker maker = new CertificateMaker(Clock.systemUTC(), new SecureRandom(), nativeChecks);
        IssuanceRequest request = IssuanceRequest.of(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=Native Check"),
                key.getPublic(), maker.randomSerial());
        X509Certificate good = maker.issue(request, pki.ca().certificate(), pki.caSigner());
        assertThat(good.getSubjectX500Principal().getName()).contains("Native Check");
        assertThatThrownBy(() -> maker.issue(request, pki.ca().certificate(),
                TestSigners.changing(pki.caSigner(), (signed, signature) -> TestSigners.faulted(signature))))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.CERTIFICATE_BUILD_FAILED))
                .hasMessageContaining("does not verify");
    }

    @Test
    @DisplayName("R-CA-11: a request whose proof of possession was altered is refused (GA-CA-011) with native checks; a good one passes")
    void requestSignatures() {
        CsrInspector inspector = new CsrInspector(nativeChecks);
        byte[] csr = HsmTestCa.csr(key, HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada hpci000101", List.of());
        assertThat(inspector.inspect(csr).subject().toOpenSsl()).endsWith("CN=Taro Yamada hpci000101");
        byte[] tampered = csr.clone();
        tampered[tampered.length - 10] ^= 1;
        assertThatThrownBy(() -> inspector.inspect(tampered))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(CaError.CSR_BAD_SIGNATURE));
    }

    private static byte[] sign(KeyPair key, String algorithm, byte[] message) throws Exception {
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key.getPrivate());
        signer.update(message);
        return signer.sign();
    }

    private static SubjectPublicKeyInfo spki(PublicKey key) {
        return SubjectPublicKeyInfo.getInstance(key.getEncoded());
    }

    private static java.security.interfaces.RSAPublicKey rsa(PublicKey key) {
        return (java.security.interfaces.RSAPublicKey) key;
    }

    private static boolean verify(ContentVerifierProvider verifiers, String algorithm, byte[] message, byte[] signature) throws Exception {
        return verify(verifiers, new DefaultSignatureAlgorithmIdentifierFinder().find(algorithm), message, signature);
    }

    private static boolean verify(ContentVerifierProvider verifiers, AlgorithmIdentifier algorithm, byte[] message, byte[] signature) throws Exception {
        ContentVerifier verifier = verifiers.get(algorithm);
        try (OutputStream out = verifier.getOutputStream()) {
            out.write(message);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return verifier.verify(signature);
    }
}
