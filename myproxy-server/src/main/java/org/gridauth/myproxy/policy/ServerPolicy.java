package org.gridauth.myproxy.policy;

import java.time.Duration;
import java.util.Optional;

/**
 * Server-wide policy with the reference myproxy-server's semantics (myproxy-server.config(5)).
 *
 * @param access                   who may store, retrieve, renew, retrieve keys, retrieve without a passphrase
 * @param checkMultipleCredentials a GET without a credential name tries every credential of the user, not only the default
 * @param maxProxyLifetime         cap on the lifetime of a proxy handed out by GET
 * @param maxCredLifetime          cap on the lifetime of a credential stored by PUT
 * @param minKeyBits               smallest RSA key accepted in a client's request
 * @param passphrase               what a new passphrase must satisfy
 * @param lockoutThreshold         wrong passphrases in a row for one user name before it is locked
 * @param lockoutDuration          how long a locked user name refuses passphrases
 * @param requestSizeLimit         largest message accepted from a client, in bytes
 * @param requestTimeout           the longest time one connection may take, from accept to reply
 * @param unlockCache              how long a passphrase just proven stays cheap to prove again (0: never)
 */
public record ServerPolicy(AccessPolicy access, boolean checkMultipleCredentials, Duration maxProxyLifetime,
                           Duration maxCredLifetime, int minKeyBits, PassphrasePolicy passphrase, int lockoutThreshold,
                           Duration lockoutDuration, int requestSizeLimit, Duration requestTimeout, Duration unlockCache) {

    public ServerPolicy {
        if (requestSizeLimit < 1024) {
            throw new IllegalArgumentException("request size limit must be at least 1024 bytes");
        }
        if (lockoutThreshold < 1) {
            throw new IllegalArgumentException("lockout threshold must be at least 1");
        }
        if (requestTimeout.isZero() || requestTimeout.isNegative()) {
            throw new IllegalArgumentException("request timeout must be positive");
        }
        if (minKeyBits < 2048) {
            throw new IllegalArgumentException("min_keylen must be at least 2048, not " + minKeyBits);
        }
    }

    /** The embedded default: see {@link AccessPolicy#permissive()}; one week proxies, 30-day stored credentials. */
    public static ServerPolicy permissive() {
        return new ServerPolicy(AccessPolicy.permissive(), false, Duration.ofHours(168), Duration.ofDays(30), 2048,
                new PassphrasePolicy(6, Optional.empty()), 5, Duration.ofMinutes(15), 1 << 20, Duration.ofSeconds(30),
                Duration.ofMinutes(5));
    }

    public ServerPolicy withAccess(AccessPolicy newAccess) {
        return new ServerPolicy(newAccess, checkMultipleCredentials, maxProxyLifetime, maxCredLifetime, minKeyBits, passphrase,
                lockoutThreshold, lockoutDuration, requestSizeLimit, requestTimeout, unlockCache);
    }

    public ServerPolicy withCheckMultipleCredentials(boolean check) {
        return new ServerPolicy(access, check, maxProxyLifetime, maxCredLifetime, minKeyBits, passphrase,
                lockoutThreshold, lockoutDuration, requestSizeLimit, requestTimeout, unlockCache);
    }

    public ServerPolicy withPassphrase(PassphrasePolicy newPassphrase) {
        return new ServerPolicy(access, checkMultipleCredentials, maxProxyLifetime, maxCredLifetime, minKeyBits, newPassphrase,
                lockoutThreshold, lockoutDuration, requestSizeLimit, requestTimeout, unlockCache);
    }

    public ServerPolicy withLimits(Duration proxyLifetime, Duration credLifetime, int lockout, Duration timeout) {
        return new ServerPolicy(access, checkMultipleCredentials, proxyLifetime, credLifetime, minKeyBits, passphrase,
                lockout, lockoutDuration, requestSizeLimit, timeout, unlockCache);
    }

    public ServerPolicy withUnlockCache(Duration cache) {
        return new ServerPolicy(access, checkMultipleCredentials, maxProxyLifetime, maxCredLifetime, minKeyBits, passphrase,
                lockoutThreshold, lockoutDuration, requestSizeLimit, requestTimeout, cache);
    }
}
