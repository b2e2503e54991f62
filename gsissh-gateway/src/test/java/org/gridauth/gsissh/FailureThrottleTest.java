package org.gridauth.gsissh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.gridauth.gsissh.policy.FailureThrottle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FailureThrottleTest {

    @Test
    @DisplayName("R-RS-1: a source is refused after the limit of failures until the window passes; a success clears it; others are unaffected")
    void throttle() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T00:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        FailureThrottle throttle = new FailureThrottle(3, Duration.ofMinutes(10), clock);
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.blockedUntil("192.0.2.1")).isEmpty();
            throttle.failed("192.0.2.1");
        }
        assertThat(throttle.blockedUntil("192.0.2.1")).contains(Instant.parse("2026-11-23T00:10:00Z"));
        assertThat(throttle.blockedUntil("192.0.2.2")).isEmpty();
        now.set(Instant.parse("2026-11-23T00:10:01Z"));
        assertThat(throttle.blockedUntil("192.0.2.1")).isEmpty();
        throttle.failed("192.0.2.2");
        throttle.failed("192.0.2.2");
        throttle.succeeded("192.0.2.2");
        throttle.failed("192.0.2.2");
        assertThat(throttle.blockedUntil("192.0.2.2")).isEmpty();
    }
}
