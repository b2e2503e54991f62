package org.gridauth.myproxy.store;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers, for a short while, the AES key derived from a passphrase that just opened a sealed key, so proving the
 * same passphrase again costs one HMAC instead of the full PBKDF2 derivation. Entries are found by the blob's salt
 * (a new passphrase means a new salt, so old entries simply age out) and used only when an HMAC of the offered
 * passphrase under a per-process secret matches; the passphrase itself is never kept. Bounded in size and age;
 * nothing here outlives the process. This trades the KDF's brute-force cost against a memory-dump attacker, who
 * could read the host key too; set the lifetime to 0 to turn it off.
 */
public final class UnlockCache {

    private record Entry(byte[] check, SecretKeySpec key, Instant expires) {
    }

    private final Duration ttl;
    private final int capacity;
    private final Clock clock;
    private final SecretKeySpec secret;
    private final ConcurrentHashMap<ByteBuffer, Entry> entries = new ConcurrentHashMap<>();

    public UnlockCache(Duration ttl, int capacity, Clock clock, SecureRandom random) {
        this.ttl = ttl;
        this.capacity = capacity;
        this.clock = clock;
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        this.secret = new SecretKeySpec(bytes, "HmacSHA256");
    }

    public static UnlockCache disabled() {
        return new UnlockCache(Duration.ZERO, 0, Clock.systemUTC(), new SecureRandom());
    }

    SecretKeySpec lookup(byte[] salt, char[] passphrase) {
        if (capacity == 0) {
            return null;
        }
        Entry entry = entries.get(ByteBuffer.wrap(salt));
        if (entry == null) {
            return null;
        }
        if (!clock.instant().isBefore(entry.expires())) {
            entries.remove(ByteBuffer.wrap(salt), entry);
            return null;
        }
        return MessageDigest.isEqual(entry.check(), check(salt, passphrase)) ? entry.key() : null;
    }

    void remember(byte[] salt, char[] passphrase, SecretKeySpec key) {
        if (capacity == 0) {
            return;
        }
        if (entries.size() >= capacity) {
            Instant now = clock.instant();
            entries.values().removeIf(e -> !now.isBefore(e.expires()));
            if (entries.size() >= capacity) {
                entries.clear();
            }
        }
        entries.put(ByteBuffer.wrap(salt.clone()), new Entry(check(salt, passphrase), key, clock.instant().plus(ttl)));
    }

    private byte[] check(byte[] salt, char[] passphrase) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            mac.update(salt);
            return mac.doFinal(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
        }
    }
}
