package org.gridauth.gsissh.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-source throttling of failed logins: after {@code limit} failures within {@code window}, the source is refused
 * until the window has passed since its last failure. A success clears the source.
 */
public final class FailureThrottle {

    private record Failures(int count, Instant last) {
    }

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final ConcurrentHashMap<String, Failures> sources = new ConcurrentHashMap<>();

    public FailureThrottle(int limit, Duration window, Clock clock) {
        if (limit < 1) {
            throw new IllegalArgumentException("the failure limit must be at least 1");
        }
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Until when the source is refused, if it is. */
    public Optional<Instant> blockedUntil(String source) {
        Failures failures = sources.get(source);
        if (failures == null || failures.count() < limit) {
            return Optional.empty();
        }
        Instant until = failures.last().plus(window);
        if (!clock.instant().isBefore(until)) {
            sources.remove(source, failures);
            return Optional.empty();
        }
        return Optional.of(until);
    }

    public void failed(String source) {
        Instant now = clock.instant();
        sources.merge(source, new Failures(1, now), (old, one) -> now.isAfter(old.last().plus(window))
                ? one : new Failures(old.count() + 1, now));
        if (sources.size() > 100_000) {
            sources.entrySet().removeIf(e -> now.isAfter(e.getValue().last().plus(window)));
        }
    }

    public void succeeded(String source) {
        sources.remove(source);
    }
}
