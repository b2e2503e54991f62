package org.gridauth.idp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock();
    private final LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Limits(3, 5, Duration.ofMinutes(15)), clock);

    @Test
    @DisplayName("R-IDP-1: three failures for one account block it until the first failure leaves the 15-minute window")
    void perAccount() {
        Instant first = clock.now;
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.blockedUntil("taro", "10.0.0." + i)).isEmpty();
            throttle.recordFailure("Taro", "10.0.0." + i);
            clock.now = clock.now.plusSeconds(60);
        }
        assertThat(throttle.blockedUntil("taro", "10.0.0.9")).contains(first.plus(Duration.ofMinutes(15)));
        assertThat(throttle.blockedUntil("hanako", "10.0.0.9")).isEmpty();
        clock.now = first.plus(Duration.ofMinutes(15)).plusSeconds(1);
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
