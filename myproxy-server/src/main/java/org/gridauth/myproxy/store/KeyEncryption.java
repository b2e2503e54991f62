package org.gridauth.myproxy.store;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals private keys at rest.
 *
 * <p>A credential with a passphrase: PBKDF2-HMAC-SHA256 (salted, iteration count stored with the blob so it can be
 * raised later) derives an AES-256 key; AES-GCM encrypts the PKCS#8 key and authenticates it, so a wrong passphrase
 * is detected with certainty instead of yielding garbage. Blob: version 1 | iterations (4) | salt (16) | nonce (12) |
 * ciphertext+tag.
 *
 * <p>A credential stored without a passphrase (myproxy-init -n, for renewal or trusted retrieval), which the
 * reference server keeps in clear: AES-GCM under the server's {@link SealingKey}, so a copy of the database alone
 * reveals no key. Blob: version 2 | nonce (12) | ciphertext+tag.
 *
 * <p>Proving a passphrase costs the full key derivation; an optional {@link UnlockCache} keeps keys derived for a
 * passphrase that was just proven, so a portal fetching the same credential repeatedly pays it once per interval.
 */
public final class KeyEncryption {

    private static final byte PASSPHRASE_SEALED = 1;
    private static final byte SERVER_SEALED = 2;
    private static final int SALT = 16;
    private static final int NONCE = 12;

    private final int iterations;
    private final SecureRandom random;
    private final SealingKey serverKey;
    private final UnlockCache cache;

    public KeyEncryption(int iterations, SecureRandom random, SealingKey serverKey, UnlockCache cache) {
        if (iterations < 10_000) {
            throw new IllegalArgumentException("at least 10,000 PBKDF2 iterations are required, not " + iterations);
        }
        this.iterations = iterations;
        this.random = random;
        this.serverKey = serverKey;
        this.cache = cache;
    }

    /** Passphrase sealing only, no cache, a throw-away server key: for tests and tools. */
    public KeyEncryption(int iterations, SecureRandom random) {
        this(iterations, random, SealingKey.ephemeral(random), UnlockCache.disabled());
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

    /** Seals with the passphrase; an empty passphrase seals with the server key instead. */
    public byte[] seal(PrivateKey key, char[] passphrase) {
        byte[] plain = key.getEncoded();
        try {
            if (passphrase.length == 0) {
                byte[] nonce = nonce();
                byte[] sealed = encrypt(serverKey.key(), nonce, SERVER_SEALED, plain);
                return ByteBuffer.allocate(1 + NONCE + sealed.length).put(SERVER_SEALED).put(nonce).put(sealed).array();
            }
            byte[] salt = new byte[SALT];
            random.nextBytes(salt);
            byte[] nonce = nonce();
            byte[] sealed = encrypt(derive(passphrase, salt, iterations), nonce, PASSPHRASE_SEALED, plain);
            return ByteBuffer.allocate(1 + 4 + SALT + NONCE + sealed.length)
                    .put(PASSPHRASE_SEALED).putInt(iterations).put(salt).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** Whether opening this blob needs the credential passphrase (false: stored with myproxy-init -n). */
    public static boolean needsPassphrase(byte[] blob) {
        return blob.length == 0 || blob[0] != SERVER_SEALED;
    }

    /**
     * Opens a blob. A passphrase-sealed blob needs its passphrase; a server-sealed blob opens with an empty
     * passphrase only (a passphrase given for a credential that has none is wrong, as in the reference server).
     */
    public PrivateKey open(byte[] blob, char[] passphrase, String algorithm) throws WrongPassphrase {
        if (blob.length > 0 && blob[0] == SERVER_SEALED) {
            if (passphrase.length != 0) {
                throw new WrongPassphrase();
            }
            ByteBuffer in = ByteBuffer.wrap(blob, 1, blob.length - 1);
            byte[] nonce = new byte[NONCE];
            in.get(nonce);
            byte[] sealed = new byte[in.remaining()];
            in.get(sealed);
            return decrypt(serverKey.key(), nonce, SERVER_SEALED, sealed, algorithm, true);
        }
        ByteBuffer in = ByteBuffer.wrap(blob);
        if (blob.length < 1 + 4 + SALT + NONCE + 16 || in.get() != PASSPHRASE_SEALED) {
            throw new IllegalStateException("the stored key has an unknown format");
        }
        if (passphrase.length == 0) {
            throw new WrongPassphrase();
        }
        int rounds = in.getInt();
        byte[] salt = new byte[SALT];
        byte[] nonce = new byte[NONCE];
        in.get(salt).get(nonce);
        byte[] sealed = new byte[in.remaining()];
        in.get(sealed);
        SecretKeySpec cached = cache.lookup(salt, passphrase);
        if (cached != null) {
            return decrypt(cached, nonce, PASSPHRASE_SEALED, sealed, algorithm, false);
        }
        SecretKeySpec derived;
        try {
            derived = derive(passphrase, salt, rounds);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2 is unavailable", e);
        }
        PrivateKey key = decrypt(derived, nonce, PASSPHRASE_SEALED, sealed, algorithm, false);
        cache.remember(salt, passphrase, derived);
        return key;
    }

    private byte[] nonce() {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        return nonce;
    }

    private static byte[] encrypt(SecretKeySpec key, byte[] nonce, byte version, byte[] plain) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(new byte[] {version});
        return cipher.doFinal(plain);
    }

    private static PrivateKey decrypt(SecretKeySpec key, byte[] nonce, byte version, byte[] sealed, String algorithm,
                                      boolean serverKey) throws WrongPassphrase {
        byte[] plain = null;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(new byte[] {version});
            plain = cipher.doFinal(sealed);
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(plain));
        } catch (AEADBadTagException e) {
            if (serverKey) {
                throw new IllegalStateException("the key was sealed with another server sealing key; "
                        + "every server sharing this database needs the same sealing_key file");
            }
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

    /** The cache policy in one place for callers that build a KeyEncryption from configuration. */
    public static UnlockCache cacheFor(Duration ttl, Clock clock, SecureRandom random) {
        return ttl.isZero() ? UnlockCache.disabled() : new UnlockCache(ttl, 10_000, clock, random);
    }
}
