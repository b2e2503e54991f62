package org.gridauth.gsi.ops;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /actuator/health} and {@code GET /actuator/prometheus} on a JDK HTTP server, answering as Spring Boot
 * Actuator does (R-OP-2): health is {@code {"status":"UP"}} with 200, or {@code {"status":"DOWN"}} with 503 when one
 * of the {@link HealthCheck}s fails, without details; metrics are the registry in the Prometheus text format.
 * <p>
 * Only clients on this machine are answered (403 otherwise): the monitoring agent scrapes locally, and the request
 * counts of a CA or a credential store are nobody else's business. A reverse proxy in front must not forward
 * {@code /actuator/}.
 */
public final class ManagementEndpoints {

    public static final String PATH = "/actuator";
    public static final String HEALTH = PATH + "/health";
    public static final String PROMETHEUS = PATH + "/prometheus";
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger LOG = LoggerFactory.getLogger(ManagementEndpoints.class);
    private static final RoutePatterns ROUTES = RoutePatterns.of(HEALTH, PROMETHEUS);

    private final PrometheusMeterRegistry registry;
    private final List<HealthCheck> checks;
    private final HttpHandler handler;

    public ManagementEndpoints(PrometheusMeterRegistry registry, List<HealthCheck> checks) {
        this.registry = registry;
        this.checks = List.copyOf(checks);
        this.handler = new HttpRequestMetrics(registry).timed(this::handle, ROUTES);
    }

    /** Serves {@code /actuator/*} on the server, beside its other routes. */
    public void mount(HttpServer server) {
        server.createContext(PATH, handler);
    }

    /** The handler for {@code /actuator/*} (timed like every other route). */
    public HttpHandler handler() {
        return handler;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            if (!localClient(exchange.getRemoteAddress())) {
                send(exchange, 403, "text/plain; charset=utf-8", "monitoring endpoints answer local clients only\n");
            } else if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "GET only\n");
            } else if (HEALTH.equals(path)) {
                boolean up = up();
                send(exchange, up ? 200 : 503, "application/json", up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
            } else if (PROMETHEUS.equals(path)) {
                send(exchange, 200, PROMETHEUS_TEXT, registry.scrape(PROMETHEUS_TEXT));
            } else {
                send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            }
        }
    }

    /** Runs every check; the first failure makes the service DOWN and is logged (with what failed) for the operator. */
    boolean up() {
        for (HealthCheck check : checks) {
            try {
                check.probe().run();
            } catch (Exception | LinkageError e) {
                LOG.warn("health check {} failed: {}", check.name(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                return false;
            }
        }
        return true;
    }

    /** Loopback only; the address is the connection's, so no header can fake it. */
    static boolean localClient(InetSocketAddress remote) {
        return remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
