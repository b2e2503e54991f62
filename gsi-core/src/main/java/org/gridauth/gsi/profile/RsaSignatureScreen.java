package org.gridauth.gsi.profile;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * Checks many RSA PKCS#1 v1.5 signatures made with one key at once: all of them are valid when
 * (s<sub>1</sub> &middot; ... &middot; s<sub>k</sub>)<sup>e</sup> = EM<sub>1</sub> &middot; ... &middot; EM<sub>k</sub>
 * (mod n), EM<sub>i</sub> being the encoded DigestInfo of message i (RFC 8017 9.2). That costs two modular
 * multiplications per signature and one public-key operation in all, instead of one public-key operation each.
 *
 * <p>What it proves. If every signature is valid, the equation holds. If exactly one is wrong, it fails: x &rarr;
 * x<sup>e</sup> is a permutation of Z<sub>n</sub>, so a wrong s' with s'<sup>e</sup> = EM would be a second e-th
 * root (the other messages' EM are units mod n unless a hash shares a factor with n). Several wrong signatures pass
 * only if their errors multiply to 1 mod n, which independent faults do with a probability of about 1/n. It is the
 * check against a faulty token that a CA makes before a signature leaves it (a wrong RSA-CRT signature gives away the
 * key), not a check against a token that forges on purpose, which holds the key anyway. This is "screening" in
 * Bellare, Garay and Rabin, "Fast batch verification for modular exponentiation and digital signatures"
 * (EUROCRYPT 1998). When the screen fails, the caller checks the signatures one by one to find the wrong ones.
 */
final class RsaSignatureScreen {

    /** The DigestInfo prefix of each digest (RFC 8017 9.2, note 1), by signature algorithm. */
    private record Digest(String name, byte[] digestInfoPrefix) {
    }

    private static final Map<String, Digest> DIGESTS = Map.of(
            PKCSObjectIdentifiers.sha256WithRSAEncryption.getId(), new Digest("SHA-256", HexFormat.of().parseHex("3031300d060960864801650304020105000420")),
            PKCSObjectIdentifiers.sha384WithRSAEncryption.getId(), new Digest("SHA-384", HexFormat.of().parseHex("3041300d060960864801650304020205000430")),
            PKCSObjectIdentifiers.sha512WithRSAEncryption.getId(), new Digest("SHA-512", HexFormat.of().parseHex("3051300d060960864801650304020305000440")));

    private final BigInteger modulus;
    private final BigInteger exponent;
    private final int length;
    private final Digest digest;
    private final Barrett reduction;

    private RsaSignatureScreen(RSAPublicKey key, Digest digest) {
        this.modulus = key.getModulus();
        this.exponent = key.getPublicExponent();
        this.length = (modulus.bitLength() + 7) / 8;
        this.digest = digest;
        this.reduction = new Barrett(modulus);
    }

    /** A screen for signatures of {@code algorithm} by {@code key}; empty when it is not RSA PKCS#1 v1.5 with SHA-2. */
    static Optional<RsaSignatureScreen> of(AlgorithmIdentifier algorithm, PublicKey key) {
        Digest digest = DIGESTS.get(algorithm.getAlgorithm().getId());
        if (digest == null || !(key instanceof RSAPublicKey rsa) || rsa.getModulus().signum() <= 0 || !rsa.getModulus().testBit(0)) {
            return Optional.empty();
        }
        return Optional.of(new RsaSignatureScreen(rsa, digest));
    }

    /**
     * True if every signature is valid for its message; false if at least one is not (or is not a well-formed
     * signature of this key's length at all).
     */
    boolean allValid(List<byte[]> messages, List<byte[]> signatures) {
        if (messages.size() != signatures.size()) {
            throw new IllegalArgumentException(messages.size() + " messages, " + signatures.size() + " signatures");
        }
        MessageDigest hash = newDigest();
        BigInteger signed = BigInteger.ONE;
        BigInteger encoded = BigInteger.ONE;
        for (int i = 0; i < messages.size(); i++) {
            byte[] signature = signatures.get(i);
            if (signature.length != length) {
                return false;
            }
            BigInteger s = new BigInteger(1, signature);
            if (s.signum() == 0 || s.compareTo(modulus) >= 0) {
                return false;
            }
            signed = reduction.reduce(signed.multiply(s));
            encoded = reduction.reduce(encoded.multiply(new BigInteger(1, encode(hash.digest(messages.get(i))))));
        }
        return signed.modPow(exponent, modulus).equals(encoded);
    }

    /** EM = 0x00 || 0x01 || 0xFF... || 0x00 || DigestInfo (RFC 8017 9.2, EMSA-PKCS1-v1_5), {@code length} bytes. */
    private byte[] encode(byte[] hash) {
        byte[] prefix = digest.digestInfoPrefix();
        byte[] em = new byte[length];
        int info = length - prefix.length - hash.length;
        em[1] = 0x01;
        java.util.Arrays.fill(em, 2, info - 1, (byte) 0xFF);
        System.arraycopy(prefix, 0, em, info, prefix.length);
        System.arraycopy(hash, 0, em, info + prefix.length, hash.length);
        return em;
    }

    private MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(digest.name());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(digest.name() + " is part of every Java platform", e);
        }
    }

    /**
     * Barrett reduction modulo a fixed n (Handbook of Applied Cryptography, algorithm 14.42, in base 2): two
     * multiplications instead of a long division per reduction, for 0 &lt;= x &lt; n<sup>2</sup>.
     */
    static final class Barrett {
        private final BigInteger modulus;
        private final int bits;
        private final BigInteger mu;

        Barrett(BigInteger modulus) {
            this.modulus = modulus;
            this.bits = modulus.bitLength();
            this.mu = BigInteger.ONE.shiftLeft(2 * bits).divide(modulus);
        }

        BigInteger reduce(BigInteger x) {
            BigInteger q = x.shiftRight(bits - 1).multiply(mu).shiftRight(bits + 1);
            BigInteger r = x.subtract(q.multiply(modulus));
            // The estimate q is at most 2 too small (HAC 14.42 note (ii)).
            while (r.compareTo(modulus) >= 0) {
                r = r.subtract(modulus);
            }
            return r;
        }
    }
}
