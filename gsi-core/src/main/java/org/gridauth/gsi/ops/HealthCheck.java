package org.gridauth.gsi.ops;

import java.util.Objects;

/**
 * One thing a service needs to do its work (its database, its signing token). {@link #probe()} returns normally
 * when it is usable and throws when it is not; the health endpoint then answers DOWN. What failed goes to the
 * service's log, never into the answer: the endpoint tells a monitor whether to page someone, not why.
 */
public record HealthCheck(String name, Probe probe) {

    /** Throws when the dependency is unusable. */
    @FunctionalInterface
    public interface Probe {
        void run() throws Exception;
    }

    public HealthCheck {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(probe, "probe");
    }
}
