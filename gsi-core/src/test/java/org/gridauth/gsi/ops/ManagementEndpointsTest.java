package org.gridauth.gsi.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.gridauth.gsi.testing.FakeHttpExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ManagementEndpointsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean databaseUsable = new AtomicBoolean(true);
    private final ManagementEndpoints endpoints = new ManagementEndpoints(registry, List.of(new HealthCheck("database", () -> {
        if (!databaseUsable.get()) {
            throw new IllegalStateException("connection refused");
        }
    })));
    private JvmMetrics jvm;
    private ManagementServer server;

    @BeforeEach
    void start() throws Exception {
        jvm = new JvmMetrics(registry);
        server = new ManagementServer(new InetSocketAddress("127.0.0.1", 0), endpoints);
    }

    @AfterEach
    void stop() {
        server.close();
        jvm.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("R-OP-2: /actuator/health answers {\"status\":\"UP\"} while every check passes, and DOWN with 503 (no details) when one fails")
    void health() throws Exception {
        HttpResponse<String> up = get("/actuator/health");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).isEqualTo("{\"status\":\"UP\"}");

        databaseUsable.set(false);
        HttpResponse<String> down = get("/actuator/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEqualTo("{\"status\":\"DOWN\"}").doesNotContain("connection refused");
    }

    @Test
    @DisplayName("R-OP-2: /actuator/prometheus has the JVM metrics and http_server_requests_seconds by method, route pattern and status")
    void prometheus() throws Exception {
        get("/actuator/health");
        get("/actuator/nothing-here");
        HttpResponse<String> metrics = get("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue(ManagementEndpoints.PROMETHEUS_TEXT);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds")
                .contains("http_server_requests_seconds_count{exception=\"none\",method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/actuator/health\"} 1")
                .contains("uri=\"NOT_FOUND\"").doesNotContain("nothing-here");
    }

    @Test
    @DisplayName("R-OP-2: a client from another machine gets 403 and no metrics; loopback clients (IPv4 and IPv6) are answered")
    void remoteClientsRefused() throws Exception {
        FakeHttpExchange remote = new FakeHttpExchange("GET", "/actuator/prometheus", "192.0.2.10");
        endpoints.handler().handle(remote);
        assertThat(remote.status()).isEqualTo(403);
        assertThat(remote.body()).doesNotContain("jvm_");

        FakeHttpExchange local = new FakeHttpExchange("GET", "/actuator/health", "::1");
        endpoints.handler().handle(local);
        assertThat(local.status()).isEqualTo(200);
        assertThat(ManagementEndpoints.localClient(new InetSocketAddress("127.0.0.5", 1))).isTrue();
    }

    @Test
    @DisplayName("R-OP-2: only GET and HEAD are answered")
    void readOnly() throws Exception {
        FakeHttpExchange post = new FakeHttpExchange("POST", "/actuator/health", "127.0.0.1");
        endpoints.handler().handle(post);
        assertThat(post.status()).isEqualTo(405);
    }
}
