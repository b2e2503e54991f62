package org.gridauth.idp.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed-login throttling per account and per client address: after {@code maxPerAccount} failures for one user
 * name (or {@code maxPerAddress} from one address) within {@code window}, further attempts are refused until the
 * oldest counted failure leaves the window. A success clears the account's failures (not the address's).
 */
public final class LoginThrottle {

    /** The limits. */
    public record Limits(int maxPerAccount, int maxPerAddress, Duration window) {
    }

    private final Limits limits;
    private final Clock clock;
    private final Map<String, Deque<Instant>> byAccount = new ConcurrentHashMap<>();
    private final Map<String, Deque<Instant>> byAddress = new ConcurrentHashMap<>();

    public LoginThrottle(Limits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** When attempts for this user from this address may resume, or empty when they may go ahead now. */
    public Optional<Instant> blockedUntil(String username, String address) {
        Instant now = clock.instant();
        Optional<Instant> account = until(byAccount.get(key(username)), limits.maxPerAccount(), now);
        Optional<Instant> fromAddress = until(byAddress.get(address), limits.maxPerAddress(), now);
        if (account.isPresent() && fromAddress.isPresent()) {
            return Optional.of(account.get().isAfter(fromAddress.get()) ? account.get() : fromAddress.get());
        }
        return account.isPresent() ? account : fromAddress;
    }

    public void recordFailure(String username, String address) {
        Instant now = clock.instant();
        add(byAccount, key(username), now, limits.maxPerAccount());
        add(byAddress, address, now, limits.maxPerAddress());
    }

    public void recordSuccess(String username) {
        byAccount.remove(key(username));
    }

    private static String key(String username) {
        return username == null ? "" : username.toLowerCase(Locale.ROOT);
    }

    private void add(Map<String, Deque<Instant>> map, String key, Instant now, int max) {
        if (key == null) {
            return;
        }
        map.compute(key, (k, deque) -> {
            Deque<Instant> d = deque == null ? new ArrayDeque<>() : deque;
            prune(d, now);
            d.addLast(now);
            while (d.size() > max) {
                d.removeFirst();
            }
            return d;
        });
    }

    private Optional<Instant> until(Deque<Instant> failures, int max, Instant now) {
        if (failures == null) {
            return Optional.empty();
        }
        synchronized (failures) {
            prune(failures, now);
            if (failures.size() < max) {
                return Optional.empty();
            }
            return Optional.of(failures.peekFirst().plus(limits.window()));
        }
    }

    private void prune(Deque<Instant> failures, Instant now) {
        Instant oldest = now.minus(limits.window());
        while (!failures.isEmpty() && !failures.peekFirst().isAfter(oldest)) {
            failures.removeFirst();
        }
    }
}
