package org.gridauth.gsi.credential;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PKCS#8 keys under PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC: what gridauth writes and what OpenSSL writes by
 * default. Both directions run in the JDK (SunJCE), whose PBKDF2 uses the processor's SHA-256 instructions: about
 * 40 ms for 100,000 rounds here where Bouncy Castle's pure-Java derivation takes 100 ms, a cost paid on every key the
 * suite seals or unlocks (RA downloads, certificate manager, MyProxy GET). Keys under any other scheme are left to
 * Bouncy Castle's general PKCS#8 reader.
 */
final class Pbes2Key {

    /** Rounds for keys we seal; OpenSSL's own default (2048) is too low for a key kept on disk. */
    static final int ITERATIONS = 100_000;

    private static final AlgorithmIdentifier HMAC_SHA256 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);

    private Pbes2Key() {
    }

    /** Encrypts a clear PKCS#8 key under a fresh 32-byte salt and 16-byte IV. */
    static EncryptedPrivateKeyInfo seal(PrivateKeyInfo key, char[] passphrase) throws GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[32];
        byte[] iv = new byte[16];
        random.nextBytes(salt);
        random.nextBytes(iv);
        byte[] clear = null;
        try {
            clear = key.getEncoded(ASN1Encoding.DER);
            byte[] encrypted = aes(Cipher.ENCRYPT_MODE, passphrase, salt, ITERATIONS, iv).doFinal(clear);
            PBES2Parameters pbes2 = new PBES2Parameters(
                    new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, new PBKDF2Params(salt, ITERATIONS, HMAC_SHA256)),
                    new EncryptionScheme(NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(iv)));
            return new EncryptedPrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, pbes2), encrypted);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("the clear key does not encode as DER", e);
        } finally {
            if (clear != null) {
                Arrays.fill(clear, (byte) 0);
            }
        }
    }

    /**
     * The clear key when {@code info} is PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC; empty for any other scheme.
     *
     * @throws GeneralSecurityException when the passphrase is wrong (bad padding or a result that is no key)
     * @throws IllegalArgumentException when the parameters are malformed (checked before any derivation)
     */
    static Optional<PrivateKeyInfo> open(PKCS8EncryptedPrivateKeyInfo info, char[] passphrase) throws GeneralSecurityException {
        if (!PKCSObjectIdentifiers.id_PBES2.equals(info.getEncryptionAlgorithm().getAlgorithm())) {
            return Optional.empty();
        }
        PBES2Parameters pbes2 = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
        KeyDerivationFunc kdf = pbes2.getKeyDerivationFunc();
        EncryptionScheme scheme = pbes2.getEncryptionScheme();
        if (!PKCSObjectIdentifiers.id_PBKDF2.equals(kdf.getAlgorithm()) || !NISTObjectIdentifiers.id_aes256_CBC.equals(scheme.getAlgorithm())) {
            return Optional.empty();
        }
        PBKDF2Params params = PBKDF2Params.getInstance(kdf.getParameters());
        boolean defaultKeyLength = params.getKeyLength() == null || params.getKeyLength().equals(BigInteger.valueOf(32));
        if (!PKCSObjectIdentifiers.id_hmacWithSHA256.equals(params.getPrf().getAlgorithm()) || !defaultKeyLength) {
            return Optional.empty();
        }
        byte[] iv = ASN1OctetString.getInstance(scheme.getParameters()).getOctets();
        if (iv.length != 16 || params.getSalt().length == 0 || params.getIterationCount().signum() <= 0) {
            throw new IllegalArgumentException("AES-256-CBC needs a 16-byte IV, PBKDF2 a salt and at least one round");
        }
        byte[] clear = aes(Cipher.DECRYPT_MODE, passphrase, params.getSalt(), params.getIterationCount().intValueExact(), iv)
                .doFinal(info.getEncryptedData());
        try {
            return Optional.of(PrivateKeyInfo.getInstance(clear));
        } catch (RuntimeException e) {
            // Right padding by chance (about 1 in 256 wrong passphrases) but no key inside; Bouncy Castle's parser
            // says so with IllegalArgumentException or IllegalStateException, depending on the garbage.
            throw new GeneralSecurityException("the decrypted data is not a PKCS#8 key");
        } finally {
            Arrays.fill(clear, (byte) 0);
        }
    }

    private static Cipher aes(int mode, char[] passphrase, byte[] salt, int rounds, byte[] iv) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(passphrase, salt, rounds, 256);
        byte[] derived;
        try {
            derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } finally {
            spec.clearPassword();
        }
        try {
            Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
            aes.init(mode, new SecretKeySpec(derived, "AES"), new IvParameterSpec(iv));
            return aes;
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }
}
