package org.gridauth.launcher.ops;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one load run measured: throughput, latency percentiles of the successful requests, and the errors by
 * message (the first few words, so a thousand timeouts read as one line).
 */
public record LoadReport(String function, int concurrency, int requests, int failures, Duration elapsed, long[] latenciesMicros,
                         Map<String, Integer> errors) {

    public LoadReport {
        latenciesMicros = latenciesMicros.clone();
        Arrays.sort(latenciesMicros);
        errors = Map.copyOf(errors);
    }

    public double throughputPerSecond() {
        return (requests - failures) / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }

    /** The p-th percentile (nearest rank) of the successful requests' latency, in milliseconds. */
    public double percentileMillis(double p) {
        if (latenciesMicros.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * latenciesMicros.length);
        return latenciesMicros[Math.max(0, Math.min(latenciesMicros.length - 1, rank - 1))] / 1000.0;
    }

    public List<String> lines() {
        List<String> lines = new java.util.ArrayList<>(List.of(
                String.format(Locale.ROOT, "%s: %d requests, concurrency %d, %d failed, %.1f s", function, requests, concurrency, failures,
                        elapsed.toNanos() / 1e9),
                String.format(Locale.ROOT, "  throughput %.1f/s (%.0f/min)", throughputPerSecond(), throughputPerSecond() * 60),
                String.format(Locale.ROOT, "  latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f", percentileMillis(50), percentileMillis(90),
                        percentileMillis(99), percentileMillis(100))));
        errors.forEach((message, count) -> lines.add("  error x" + count + ": " + message));
        return lines;
    }
}
