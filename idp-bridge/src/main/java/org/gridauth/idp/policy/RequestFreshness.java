package org.gridauth.idp.policy;

import java.time.Duration;
import java.time.Instant;

/**
 * An AuthnRequest is accepted only if issued within {@code maxAge} before now, allowing {@code skew} of clock
 * difference either way; afterwards its ID is remembered until {@link #rememberUntil(Instant)} to refuse replays.
 */
public record RequestFreshness(Duration maxAge, Duration skew) {

    public boolean fresh(Instant issued, Instant now) {
        return issued != null && !issued.isAfter(now.plus(skew)) && !issued.isBefore(now.minus(maxAge).minus(skew));
    }

    public Instant rememberUntil(Instant issued) {
        return issued.plus(maxAge).plus(skew).plus(skew);
    }
}
