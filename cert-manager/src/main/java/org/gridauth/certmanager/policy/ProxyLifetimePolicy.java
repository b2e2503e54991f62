package org.gridauth.certmanager.policy;

import java.time.Duration;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * How long proxies made here may live (R-CM-2). A request over the cap is refused rather than cut, so the
 * researcher is never surprised by a shorter proxy than asked for.
 */
public record ProxyLifetimePolicy(Duration defaultLifetime, Duration maximum) {

    public ProxyLifetimePolicy {
        if (defaultLifetime.compareTo(maximum) > 0) {
            throw new IllegalArgumentException("the default proxy lifetime exceeds the maximum");
        }
    }

    public static ProxyLifetimePolicy defaults() {
        return new ProxyLifetimePolicy(Duration.ofHours(12), Duration.ofDays(7));
    }

    public Duration lifetime(Integer requestedHours) {
        if (requestedHours == null) {
            return defaultLifetime;
        }
        if (requestedHours <= 0) {
            throw new GridAuthException(CertManagerError.REQUEST_INVALID, "lifetimeHours must be positive");
        }
        if (Duration.ofHours(requestedHours).compareTo(maximum) > 0) {
            throw new GridAuthException(CertManagerError.PROXY_LIFETIME_OVER_CAP, requestedHours, maximum.toHours());
        }
        return Duration.ofHours(requestedHours);
    }
}
