package org.gridauth.launcher.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The open-loop mix of 'gridauth load mix' (issue #11 item 4): rate, weights, errors and latency from the schedule. */
class MixedLoadTest {

    @Test
    @DisplayName("R-OP-2: requests start on the schedule (rate x duration of them), split by weight, each failure counted with its message")
    void scheduleAndWeights() {
        AtomicInteger cheap = new AtomicInteger();
        List<MixedLoad.Function> mix = List.of(
                new MixedLoad.Function("cheap", 3, i -> cheap.incrementAndGet()),
                new MixedLoad.Function("failing", 1, i -> {
                    throw new IllegalStateException("GA-TEST-001 refused");
                }));
        List<MixedLoad.FunctionReport> reports = new MixedLoad(4, Duration.ofSeconds(5)).run(mix, 6000, Duration.ofSeconds(2), 42, (m, s, c, f) -> { });
        int all = reports.stream().mapToInt(MixedLoad.FunctionReport::count).sum();
        assertThat(all).as("100 per second for 2 s").isEqualTo(200);
        MixedLoad.FunctionReport failing = reports.get(1);
        assertThat(failing.failures()).isEqualTo(failing.count()).isBetween(25, 75);
        assertThat(failing.errors()).containsOnlyKeys("GA-TEST-001 refused");
        assertThat(reports.get(0).count()).isEqualTo(cheap.get()).isEqualTo(all - failing.count());
        assertThat(reports.get(0).failures()).isZero();
    }

    @Test
    @DisplayName("R-OP-2: when the suite falls behind, the wait in the queue counts in the latency, and a request that cannot start in time is an error")
    void queueingCountsAndGivesUp() {
        List<MixedLoad.Function> mix = List.of(new MixedLoad.Function("slow", 1, i -> Thread.sleep(100)));
        // 20 per second into one thread that serves 10 per second: the queue grows by 10 a second.
        List<MixedLoad.FunctionReport> reports = new MixedLoad(1, Duration.ofMillis(700)).run(mix, 1200, Duration.ofSeconds(2), 1, (m, s, c, f) -> { });
        MixedLoad.FunctionReport slow = reports.get(0);
        assertThat(slow.count()).isEqualTo(40);
        assertThat(slow.failures()).as("late starts given up").isPositive();
        assertThat(slow.errors().keySet()).allMatch(e -> e.contains("fell behind the rate"));
        assertThat(slow.percentile(100)).as("the slowest served request waited in the queue").isGreaterThan(300_000);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        MixedLoad.print(new PrintStream(text, true, StandardCharsets.UTF_8), reports, Duration.ofSeconds(2));
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("| slow | 40 | 1200.0 |").contains("| **all** | 40 |");
    }

    @Test
    @DisplayName("R-OP-2: heap, live data, descriptors and threads are read from a JVM's Prometheus text")
    void vitalsFromPrometheus() {
        ServiceVitals.Vitals v = ServiceVitals.parse("""
                # HELP jvm_memory_used_bytes The amount of used memory
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.048576E7
                jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.097152E7
                jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.0E7
                jvm_gc_live_data_size_bytes 1.5728640E7
                process_files_open_files 57.0
                jvm_threads_live_threads 41.0
                """);
        assertThat(v).isEqualTo(new ServiceVitals.Vitals(31_457_280, 15_728_640, 57, 41));
        assertThat(v.toString()).isEqualTo("heap 30 MiB, live after major GC 15 MiB, 57 open files, 41 threads");
    }
}
