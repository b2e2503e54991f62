package org.gridauth.gsi.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** R-CA-1: the check a CA makes on its token's signatures before a certificate leaves it, for many at once. */
class RsaSignatureScreenTest {

    private static final AlgorithmIdentifier SHA256_RSA = new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption);
    private final KeyPair key = TestPki.newKey();
    private final Random random = new Random(20261124);

    private List<byte[]> messages(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] message = new byte[200 + random.nextInt(1200)];
            random.nextBytes(message);
            out.add(message);
        }
        return out;
    }

    private static List<byte[]> sign(PrivateKey key, String algorithm, List<byte[]> messages) throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (byte[] message : messages) {
            Signature signature = Signature.getInstance(algorithm);
            signature.initSign(key);
            signature.update(message);
            out.add(signature.sign());
        }
        return out;
    }

    private RsaSignatureScreen screen(AlgorithmIdentifier algorithm) {
        return RsaSignatureScreen.of(algorithm, key.getPublic()).orElseThrow();
    }

    @Test
    @DisplayName("R-CA-1: valid SHA-256, SHA-384 and SHA-512 RSA signatures of one key pass together, and so does a single one")
    void validSignaturesPass() throws Exception {
        List<byte[]> messages = messages(50);
        assertThat(screen(SHA256_RSA).allValid(messages, sign(key.getPrivate(), "SHA256withRSA", messages))).isTrue();
        assertThat(screen(new AlgorithmIdentifier(PKCSObjectIdentifiers.sha384WithRSAEncryption))
                .allValid(messages, sign(key.getPrivate(), "SHA384withRSA", messages))).isTrue();
        assertThat(screen(new AlgorithmIdentifier(PKCSObjectIdentifiers.sha512WithRSAEncryption))
                .allValid(messages, sign(key.getPrivate(), "SHA512withRSA", messages))).isTrue();
        assertThat(screen(SHA256_RSA).allValid(messages.subList(0, 1), sign(key.getPrivate(), "SHA256withRSA", messages.subList(0, 1)))).isTrue();
        assertThat(screen(SHA256_RSA).allValid(List.of(), List.of())).isTrue();
    }

    @Test
    @DisplayName("R-CA-1: one wrong signature among many fails the screen, wherever it is and whichever bit is wrong")
    void oneWrongSignatureFails() throws Exception {
        List<byte[]> messages = messages(40);
        List<byte[]> good = sign(key.getPrivate(), "SHA256withRSA", messages);
        for (int trial = 0; trial < 40; trial++) {
            List<byte[]> signatures = new ArrayList<>(good.stream().map(byte[]::clone).toList());
            byte[] wrong = signatures.get(trial);
            wrong[1 + random.nextInt(wrong.length - 1)] ^= (byte) (1 << random.nextInt(8));
            assertThat(screen(SHA256_RSA).allValid(messages, signatures)).as("signature %d altered", trial).isFalse();
        }
    }

    @Test
    @DisplayName("R-CA-1: two wrong signatures, a signature of another message, of another key or with another digest fail")
    void otherWrongSignaturesFail() throws Exception {
        List<byte[]> messages = messages(20);
        List<byte[]> signatures = new ArrayList<>(sign(key.getPrivate(), "SHA256withRSA", messages));
        signatures.get(3)[100] ^= 1;
        signatures.get(17)[7] ^= 0x40;
        assertThat(screen(SHA256_RSA).allValid(messages, signatures)).isFalse();

        List<byte[]> other = new ArrayList<>(sign(key.getPrivate(), "SHA256withRSA", messages));
        other.set(5, sign(TestPki.newKey().getPrivate(), "SHA256withRSA", List.of(messages.get(5))).get(0));
        assertThat(screen(SHA256_RSA).allValid(messages, other)).isFalse();

        assertThat(screen(SHA256_RSA).allValid(messages, sign(key.getPrivate(), "SHA384withRSA", messages))).isFalse();
    }

    @Test
    @DisplayName("R-CA-1: a signature of the wrong length, zero, or not below the modulus is refused without arithmetic")
    void malformedSignaturesFail() throws Exception {
        List<byte[]> messages = messages(3);
        List<byte[]> signatures = new ArrayList<>(sign(key.getPrivate(), "SHA256withRSA", messages));
        BigInteger n = ((RSAPublicKey) key.getPublic()).getModulus();
        List<byte[]> shorter = new ArrayList<>(signatures);
        shorter.set(1, java.util.Arrays.copyOf(signatures.get(1), 255));
        assertThat(screen(SHA256_RSA).allValid(messages, shorter)).isFalse();
        List<byte[]> zero = new ArrayList<>(signatures);
        zero.set(2, new byte[256]);
        assertThat(screen(SHA256_RSA).allValid(messages, zero)).isFalse();
        List<byte[]> tooBig = new ArrayList<>(signatures);
        byte[] plusN = new BigInteger(1, signatures.get(0)).add(n).toByteArray();
        tooBig.set(0, plusN.length == 256 ? plusN : java.util.Arrays.copyOfRange(plusN, plusN.length - 256, plusN.length));
        assertThat(screen(SHA256_RSA).allValid(messages, tooBig)).isFalse();
    }

    @Test
    @DisplayName("the screen binds the signatures to the batch, not to their places: valid signatures in another order pass")
    void orderIsNotChecked() throws Exception {
        List<byte[]> messages = messages(5);
        List<byte[]> swapped = new ArrayList<>(sign(key.getPrivate(), "SHA256withRSA", messages));
        java.util.Collections.swap(swapped, 0, 1);
        assertThat(screen(SHA256_RSA).allValid(messages, swapped)).isTrue();
    }

    @Test
    @DisplayName("only RSA PKCS#1 v1.5 with SHA-2 is screened: ECDSA and SHA-1 are left to one-by-one verification")
    void onlyRsaWithSha2() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        assertThat(RsaSignatureScreen.of(new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256), ec.generateKeyPair().getPublic())).isEmpty();
        assertThat(RsaSignatureScreen.of(new AlgorithmIdentifier(PKCSObjectIdentifiers.sha1WithRSAEncryption), key.getPublic())).isEmpty();
        assertThat(RsaSignatureScreen.of(SHA256_RSA, ec.generateKeyPair().getPublic())).isEmpty();
    }

    @Test
    @DisplayName("Barrett reduction gives x mod n for every x below n squared, including the edges")
    void barrettReducesLikeMod() {
        BigInteger n = ((RSAPublicKey) key.getPublic()).getModulus();
        RsaSignatureScreen.Barrett barrett = new RsaSignatureScreen.Barrett(n);
        List<BigInteger> xs = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE, n.subtract(BigInteger.ONE), n, n.add(BigInteger.ONE),
                n.multiply(n).subtract(BigInteger.ONE), n.subtract(BigInteger.ONE).pow(2), BigInteger.ONE.shiftLeft(n.bitLength())));
        for (int i = 0; i < 2_000; i++) {
            xs.add(new BigInteger(2 * n.bitLength(), random).mod(n.multiply(n)));
            xs.add(new BigInteger(1 + random.nextInt(2 * n.bitLength() - 1), random));
        }
        for (BigInteger x : xs) {
            assertThat(barrett.reduce(x)).as("%s", x).isEqualTo(x.mod(n));
        }
    }
}
