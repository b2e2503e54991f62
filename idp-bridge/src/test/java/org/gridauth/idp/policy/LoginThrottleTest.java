package org.gridauth.idp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.gridauth.gsi.testing.MutableClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Limits(3, 5, Duration.ofMinutes(15)), clock);

    @Test
    @DisplayName("R-IDP-1: three failures for one account block it until the first failure leaves the 15-minute window")
    void perAccount() {
        Instant first = clock.instant();
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.blockedUntil("taro", "10.0.0." + i)).isEmpty();
            throttle.recordFailure("Taro", "10.0.0." + i);
            clock.advance(Duration.ofSeconds(60));
        }
        assertThat(throttle.blockedUntil("taro", "10.0.0.9")).contains(first.plus(Duration.ofMinutes(15)));
        assertThat(throttle.blockedUntil("hanako", "10.0.0.9")).isEmpty();
        clock.set(first.plus(Duration.ofMinutes(15)).plusSeconds(1));
        assertThat(throttle.blockedUntil("taro", "10.0.0.9")).isEmpty();
    }

    @Test
    @DisplayName("R-IDP-1: five failures from one address block every account from it, not from other addresses")
    void perAddress() {
        for (int i = 0; i < 5; i++) {
            throttle.recordFailure("user" + i, "192.0.2.1");
        }
        assertThat(throttle.blockedUntil("someone", "192.0.2.1")).isPresent();
        assertThat(throttle.blockedUntil("someone", "192.0.2.2")).isEmpty();
    }

    @Test
    @DisplayName("R-IDP-1: a successful login clears the account's failures")
    void successClears() {
        throttle.recordFailure("taro", "a");
        throttle.recordFailure("taro", "b");
        throttle.recordSuccess("taro");
        throttle.recordFailure("taro", "c");
        throttle.recordFailure("taro", "d");
        assertThat(throttle.blockedUntil("taro", "e")).isEmpty();
    }
}
