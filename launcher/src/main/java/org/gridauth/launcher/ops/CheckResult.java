package org.gridauth.launcher.ops;

import java.time.Duration;
import java.util.Map;

/**
 * One health probe's outcome.
 *
 * @param name     stable probe name (also the Prometheus label)
 * @param status   Nagios state
 * @param message  one line for the operator
 * @param took     how long the probe took
 * @param gauges   extra numbers worth graphing (e.g. seconds until the CRL's nextUpdate)
 */
public record CheckResult(String name, CheckStatus status, String message, Duration took, Map<String, Double> gauges) {

    public CheckResult {
        gauges = Map.copyOf(gauges);
    }

    static CheckResult of(String name, CheckStatus status, String message, Duration took) {
        return new CheckResult(name, status, message, took, Map.of());
    }
}
