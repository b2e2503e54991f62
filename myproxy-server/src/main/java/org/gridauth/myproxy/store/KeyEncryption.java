package org.gridauth.myproxy.store;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals private keys with the credential passphrase: PBKDF2-HMAC-SHA256 (salted, iteration count stored with the
 * blob so it can be raised later) derives an AES-256 key; AES-GCM encrypts the PKCS#8 key and authenticates it, so
 * a wrong passphrase is detected with certainty instead of yielding garbage.
 *
 * <p>Blob layout: version (1 byte, 1) | iterations (4 bytes) | salt (16) | nonce (12) | ciphertext+tag.
 */
public final class KeyEncryption {

    private static final byte VERSION = 1;
    private static final int SALT = 16;
    private static final int NONCE = 12;

    private final int iterations;
    private final SecureRandom random;

    public KeyEncryption(int iterations, SecureRandom random) {
        if (iterations < 10_000) {
            throw new IllegalArgumentException("at least 10,000 PBKDF2 iterations are required, not " + iterations);
        }
        this.iterations = iterations;
        this.random = random;
    }

    /** Raised for a wrong passphrase; carries nothing about the passphrase. */
    public static final class WrongPassphrase extends Exception {
        private static final long serialVersionUID = 1L;

        WrongPassphrase() {
            super("wrong passphrase");
        }
    }

    /** For other key formats that detect a wrong passphrase their own way. */
    public static WrongPassphrase wrongPassphrase() {
        return new WrongPassphrase();
    }

    public byte[] seal(PrivateKey key, char[] passphrase) {
        byte[] salt = new byte[SALT];
        byte[] nonce = new byte[NONCE];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        byte[] plain = key.getEncoded();
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, derive(passphrase, salt, iterations), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(new byte[] {VERSION});
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(1 + 4 + SALT + NONCE + sealed.length)
                    .put(VERSION).putInt(iterations).put(salt).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    public PrivateKey open(byte[] blob, char[] passphrase, String algorithm) throws WrongPassphrase {
        ByteBuffer in = ByteBuffer.wrap(blob);
        if (blob.length < 1 + 4 + SALT + NONCE + 16 || in.get() != VERSION) {
            throw new IllegalStateException("the stored key has an unknown format");
        }
        int rounds = in.getInt();
        byte[] salt = new byte[SALT];
        byte[] nonce = new byte[NONCE];
        in.get(salt).get(nonce);
        byte[] sealed = new byte[in.remaining()];
        in.get(sealed);
        byte[] plain = null;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, derive(passphrase, salt, rounds), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(new byte[] {VERSION});
            plain = cipher.doFinal(sealed);
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(plain));
        } catch (AEADBadTagException e) {
            throw new WrongPassphrase();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the stored key cannot be decoded", e);
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    private static SecretKeySpec derive(char[] passphrase, byte[] salt, int rounds) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(passphrase, salt, rounds, 256);
        try {
            byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            return new SecretKeySpec(key, "AES");
        } finally {
            spec.clearPassword();
        }
    }
}
