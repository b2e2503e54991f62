package org.gridauth.gsi.proxy;

import java.time.Duration;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

/**
 * What proxy to make.
 *
 * @param kind       impersonation, independent or limited
 * @param lifetime   requested lifetime; the result never outlives the issuing chain
 * @param pathLength how many further proxies may be made below this one; null for no limit
 * @param keyBits    RSA key size of a proxy whose key is generated here
 */
public record ProxyRequest(ProxyKind kind, Duration lifetime, Integer pathLength, int keyBits) {

    /** grid-proxy-init's default lifetime. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(12);

    public ProxyRequest {
        if (kind == null) {
            kind = ProxyKind.IMPERSONATION;
        }
        if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
            throw new GridAuthException(GsiError.LIFETIME_INVALID, lifetime, "it must be positive");
        }
        if (pathLength != null && pathLength < 0) {
            throw new GridAuthException(GsiError.LIFETIME_INVALID, lifetime, "the proxy path length cannot be negative");
        }
        if (keyBits < 2048) {
            throw new GridAuthException(GsiError.KEY_TOO_SMALL, keyBits, "RSA", 2048, "proxy");
        }
    }

    public static ProxyRequest of(ProxyKind kind, Duration lifetime) {
        return new ProxyRequest(kind, lifetime, null, 2048);
    }

    public static ProxyRequest impersonation(Duration lifetime) {
        return of(ProxyKind.IMPERSONATION, lifetime);
    }

    public ProxyRequest withPathLength(Integer length) {
        return new ProxyRequest(kind, lifetime, length, keyBits);
    }
}
