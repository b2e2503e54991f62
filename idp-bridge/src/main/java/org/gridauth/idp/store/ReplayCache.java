package org.gridauth.idp.store;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Message IDs seen until they expire: a request ID accepted once is refused afterwards. In memory, so several IdP
 * instances behind a load balancer need sticky sessions for replay detection across them (documented).
 */
public final class ReplayCache {

    private final Clock clock;
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();

    public ReplayCache(Clock clock) {
        this.clock = clock;
    }

    /** True the first time an (issuer, id) pair is presented before {@code expiresAt}; false for a replay. */
    public boolean firstUse(String issuer, String id, Instant expiresAt) {
        Instant now = clock.instant();
        if (seen.size() > 10_000) {
            seen.values().removeIf(expiry -> !expiry.isAfter(now));
        }
        String key = issuer + "\u0000" + id;
        Instant previous = seen.putIfAbsent(key, expiresAt);
        if (previous == null) {
            return true;
        }
        if (!previous.isAfter(now)) {
            return seen.replace(key, previous, expiresAt);
        }
        return false;
    }
}
