package org.gridauth.launcher.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;

/**
 * Heap, live data after the last major collection, open file descriptors and threads of each JVM of the suite,
 * read from their Prometheus endpoints (Micrometer's JVM and process binders): what a soak run compares at its
 * start and end to tell a leak from noise.
 */
public final class ServiceVitals {

    /** One JVM's figures; -1 where the endpoint did not say. */
    public record Vitals(long heapUsedBytes, long liveDataBytes, long openFiles, long threads) {
        @Override
        public String toString() {
            return String.format("heap %d MiB, live after major GC %s, %d open files, %d threads", heapUsedBytes >> 20,
                    liveDataBytes < 0 ? "-" : (liveDataBytes >> 20) + " MiB", openFiles, threads);
        }
    }

    private final Map<String, URI> endpoints;
    private final HttpClient http;

    /** {@code endpoints}: a name per JVM and the base URL of its actuator (…/actuator/prometheus is appended). */
    public ServiceVitals(Map<String, URI> endpoints, SSLContext tls) {
        this.endpoints = Map.copyOf(endpoints);
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The figures of every JVM; a JVM that does not answer is reported with its error instead. */
    public Map<String, String> sample() {
        Map<String, String> out = new LinkedHashMap<>();
        endpoints.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(e.getValue().resolve("/actuator/prometheus"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                out.put(e.getKey(), response.statusCode() == 200 ? parse(response.body()).toString() : "HTTP " + response.statusCode());
            } catch (java.io.IOException ex) {
                out.put(e.getKey(), "no answer: " + ex.getMessage());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                out.put(e.getKey(), "interrupted");
            }
        });
        return out;
    }

    static Vitals parse(String prometheus) {
        long heap = 0;
        long live = -1;
        long files = -1;
        long threads = -1;
        for (String line : prometheus.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long value;
            try {
                value = (long) Double.parseDouble(line.substring(space + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                heap += value;
            } else if (line.startsWith("jvm_gc_live_data_size_bytes")) {
                live = value;
            } else if (line.startsWith("process_files_open_files")) {
                files = value;
            } else if (line.startsWith("jvm_threads_live_threads")) {
                threads = value;
            }
        }
        return new Vitals(heap, live, files, threads);
    }
}
