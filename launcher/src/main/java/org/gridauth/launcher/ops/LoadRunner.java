package org.gridauth.launcher.ops;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one function {@code count} times from {@code concurrency} threads at once (R-OP-2: "a given number of
 * concurrent requests per function") and measures each call.
 */
public final class LoadRunner {

    /** One request; {@code index} is unique within the run (for distinct users or request IDs). */
    @FunctionalInterface
    public interface Request {
        void run(int index) throws Exception;
    }

    public LoadReport run(String function, int concurrency, int count, Request request) {
        long[] latencies = new long[count];
        boolean[] failed = new boolean[count];
        Map<String, Integer> errors = new HashMap<>();
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(concurrency);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            pool.execute(() -> {
                try {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        long begin = System.nanoTime();
                        try {
                            request.run(i);
                            latencies[i] = (System.nanoTime() - begin) / 1000;
                        } catch (Exception e) {
                            failed[i] = true;
                            synchronized (errors) {
                                errors.merge(summary(e), 1, Integer::sum);
                            }
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdownNow();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        int failures = 0;
        long[] ok = new long[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (failed[i]) {
                failures++;
            } else {
                ok[n++] = latencies[i];
            }
        }
        return new LoadReport(function, concurrency, count, failures, elapsed, java.util.Arrays.copyOf(ok, n), errors);
    }

    /** An error as the reports group it: its message on one line, at most 160 characters. */
    static String summary(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        message = message.replaceAll("[\\r\\n]+", " ");
        return message.length() > 160 ? message.substring(0, 160) + "..." : message;
    }
}
