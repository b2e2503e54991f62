package org.gridauth.gsi.ops;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

import com.sun.net.httpserver.HttpHandler;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Times every request of a JDK HTTP server listener as Spring Boot does for its services:
 * {@code http.server.requests} (in Prometheus {@code http_server_requests_seconds_count/_sum/_max}) tagged with
 * {@code method}, {@code uri} (the route pattern), {@code status}, {@code outcome} and {@code exception}, so one
 * dashboard reads the Spring and the non-Spring services alike.
 */
public final class HttpRequestMetrics {

    public static final String METRIC = "http.server.requests";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE");

    private final MeterRegistry registry;

    public HttpRequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The handler, timed; {@code routes} turns each path into its pattern for the {@code uri} tag. */
    public HttpHandler timed(HttpHandler handler, RoutePatterns routes) {
        return exchange -> {
            long start = System.nanoTime();
            String exception = "none";
            try {
                handler.handle(exchange);
            } catch (IOException | RuntimeException | Error e) {
                exception = e.getClass().getSimpleName();
                throw e;
            } finally {
                // -1 when the handler failed before answering: the server then drops the connection, as a 500 would.
                int status = exchange.getResponseCode() < 0 ? 500 : exchange.getResponseCode();
                Timer.builder(METRIC)
                        .description("HTTP requests answered, by route pattern")
                        .tag("method", method(exchange.getRequestMethod()))
                        .tag("uri", routes.tag(exchange.getRequestURI().getRawPath(), status))
                        .tag("status", Integer.toString(status))
                        .tag("outcome", outcome(status))
                        .tag("exception", exception)
                        .register(registry)
                        .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        };
    }

    /** Any method a client makes up counts as one value, so that clients cannot add tag values. */
    static String method(String method) {
        String upper = method == null ? "" : method.toUpperCase(Locale.ROOT);
        return METHODS.contains(upper) ? upper : "OTHER";
    }

    static String outcome(int status) {
        if (status < 200) {
            return "INFORMATIONAL";
        } else if (status < 300) {
            return "SUCCESS";
        } else if (status < 400) {
            return "REDIRECTION";
        } else if (status < 500) {
            return "CLIENT_ERROR";
        }
        return "SERVER_ERROR";
    }
}
