package org.gridauth.ra.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The testbed's time: the system clock plus an offset a test moves forward (and puts back when it is done). Unlike
 * gsi-core's {@code MutableClock} it keeps ticking, because the portal, CA and certificate manager it drives are
 * shared by every portal test in the JVM: a stopped clock would freeze the access log, license claims and caches
 * for all of them.
 */
public final class MovableClock extends Clock {

    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    /** Moves the time forward (or back, for a negative duration) by {@code by}. */
    public void advance(Duration by) {
        offset.updateAndGet(o -> o.plus(by));
    }

    /** Moves the time so that now is {@code instant}; the clock keeps ticking from there. */
    public void set(Instant instant) {
        offset.set(Duration.between(Instant.now(), instant));
    }

    /** Back to the system time. */
    public void reset() {
        offset.set(Duration.ZERO);
    }

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
        return Instant.now().plus(offset.get());
    }
}
