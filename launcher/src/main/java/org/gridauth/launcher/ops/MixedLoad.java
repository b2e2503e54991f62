package org.gridauth.launcher.ops;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop mix of functions at a fixed rate (issue #11 item 4, R-CA-9 x 10): requests start on a schedule of
 * {@code rate} per minute whatever the answers' speed, each picked by weight, and run on a bounded pool. Latency is
 * measured from the scheduled start, so a queue that forms when the suite falls behind is counted (no
 * coordinated omission); a request that cannot start within {@code giveUp} of its time counts as an error.
 */
public final class MixedLoad {

    /** One function of the mix and its share (weights are relative). */
    public record Function(String name, int weight, LoadRunner.Request request) {
        public Function {
            if (weight < 1) {
                throw new IllegalArgumentException("the weight of " + name + " must be at least 1");
            }
        }
    }

    /** What one function did over the run. */
    public record FunctionReport(String name, int count, int failures, long[] latenciesMicros, Map<String, Integer> errors) {

        long percentile(double p) {
            if (latenciesMicros.length == 0) {
                return 0;
            }
            long[] sorted = latenciesMicros.clone();
            Arrays.sort(sorted);
            return sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1))];
        }
    }

    /** Called once a minute (and at the end) with the minute's line, for progress output. */
    @FunctionalInterface
    public interface Progress {
        void minute(int minute, int started, int completed, int failed);
    }

    private final int threads;
    private final Duration giveUp;

    public MixedLoad(int threads, Duration giveUp) {
        this.threads = threads;
        this.giveUp = giveUp;
    }

    public List<FunctionReport> run(List<Function> mix, double perMinute, Duration duration, long seed, Progress progress) {
        int total = mix.stream().mapToInt(Function::weight).sum();
        long intervalNanos = (long) (60_000_000_000L / perMinute);
        long count = duration.toNanos() / intervalNanos;
        Map<String, Recorder> recorders = new LinkedHashMap<>();
        mix.forEach(f -> recorders.put(f.name(), new Recorder((int) Math.min(Integer.MAX_VALUE, count))));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "load-mix");
            t.setDaemon(true);
            return t;
        });
        SplittableRandom random = new SplittableRandom(seed);
        AtomicInteger completedInMinute = new AtomicInteger();
        AtomicInteger failedInMinute = new AtomicInteger();
        AtomicInteger index = new AtomicInteger();
        long start = System.nanoTime();
        int startedInMinute = 0;
        int minute = 0;
        try {
            for (long k = 0; k < count; k++) {
                long scheduled = start + k * intervalNanos;
                long wait;
                while ((wait = scheduled - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                int currentMinute = (int) ((scheduled - start) / 60_000_000_000L);
                if (currentMinute > minute) {
                    progress.minute(minute + 1, startedInMinute, completedInMinute.getAndSet(0), failedInMinute.getAndSet(0));
                    startedInMinute = 0;
                    minute = currentMinute;
                }
                Function function = pick(mix, total, random.nextInt(total));
                Recorder recorder = recorders.get(function.name());
                int i = index.getAndIncrement();
                startedInMinute++;
                pool.execute(() -> {
                    long begin = System.nanoTime();
                    if (begin - scheduled > giveUp.toNanos()) {
                        recorder.failed("not started within " + giveUp.toSeconds() + " s of its time: the suite fell behind the rate");
                        failedInMinute.incrementAndGet();
                        return;
                    }
                    try {
                        function.request().run(i);
                        recorder.ok((System.nanoTime() - scheduled) / 1000);
                        completedInMinute.incrementAndGet();
                    } catch (Exception | Error e) {
                        recorder.failed(LoadRunner.summary(e));
                        failedInMinute.incrementAndGet();
                    }
                });
            }
        } finally {
            pool.shutdown();
            try {
                pool.awaitTermination(giveUp.toSeconds() + 120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pool.shutdownNow();
        }
        progress.minute(minute + 1, startedInMinute, completedInMinute.get(), failedInMinute.get());
        List<FunctionReport> reports = new ArrayList<>();
        recorders.forEach((name, r) -> reports.add(r.report(name)));
        return reports;
    }

    private static Function pick(List<Function> mix, int total, int draw) {
        int sum = 0;
        for (Function f : mix) {
            sum += f.weight();
            if (draw < sum) {
                return f;
            }
        }
        return mix.get(mix.size() - 1);
    }

    /** Latencies and errors of one function, filled from many threads. */
    private static final class Recorder {
        private final long[] latencies;
        private final AtomicInteger ok = new AtomicInteger();
        private final AtomicLong failures = new AtomicLong();
        private final Map<String, Integer> errors = new HashMap<>();

        Recorder(int capacity) {
            latencies = new long[capacity];
        }

        void ok(long micros) {
            latencies[ok.getAndIncrement()] = micros;
        }

        void failed(String error) {
            failures.incrementAndGet();
            synchronized (errors) {
                errors.merge(error, 1, Integer::sum);
            }
        }

        FunctionReport report(String name) {
            int n = ok.get();
            synchronized (errors) {
                return new FunctionReport(name, n + (int) failures.get(), (int) failures.get(), Arrays.copyOf(latencies, n), Map.copyOf(errors));
            }
        }
    }

    /** The report as a Markdown table (for benchmarks/RESULTS.md) and an error list. */
    public static void print(PrintStream out, List<FunctionReport> reports, Duration elapsed) {
        double minutes = elapsed.toMillis() / 60_000.0;
        out.println("| function | requests | per minute | errors | p50 ms | p99 ms | max ms |");
        out.println("|---|---|---|---|---|---|---|");
        int all = 0;
        int failed = 0;
        List<Long> everything = new ArrayList<>();
        for (FunctionReport r : reports) {
            all += r.count();
            failed += r.failures();
            for (long l : r.latenciesMicros()) {
                everything.add(l);
            }
            out.printf("| %s | %d | %.1f | %d | %.1f | %.1f | %.1f |%n", r.name(), r.count(), r.count() / minutes, r.failures(), r.percentile(50) / 1000.0,
                    r.percentile(99) / 1000.0, r.percentile(100) / 1000.0);
        }
        FunctionReport total = new FunctionReport("all", all, failed, everything.stream().mapToLong(Long::longValue).toArray(), Map.of());
        out.printf("| **all** | %d | %.1f | %d | %.1f | %.1f | %.1f |%n", all, all / minutes, failed, total.percentile(50) / 1000.0,
                total.percentile(99) / 1000.0, total.percentile(100) / 1000.0);
        for (FunctionReport r : reports) {
            r.errors().forEach((error, n) -> out.println("  " + r.name() + ": " + n + " x " + error));
        }
    }
}
