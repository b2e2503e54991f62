package org.gridauth.gsi.ops;

import java.util.List;
import java.util.Optional;

/**
 * The route patterns of one HTTP listener, for metric tags: {@code /v1/certificates/{serial}} instead of the path
 * with the serial in it. A tag value per distinct path would let any client grow the metrics without bound, and
 * paths may carry identifiers (serials, HPCI-IDs) that are nobody's business in a monitoring system.
 * <p>
 * Syntax as Spring's path patterns: a literal segment matches itself, {@code {name}} one non-empty segment, and a
 * last {@code {*name}} the rest of the path (which may contain slashes, e.g. an OCSP request in base64).
 */
public final class RoutePatterns {

    /** The tag of a path that matches no route and was answered 404 (Spring MVC's value). */
    public static final String NOT_FOUND = "NOT_FOUND";
    /** The tag of a path that matches no route otherwise. */
    public static final String UNKNOWN = "UNKNOWN";

    private final List<String> patterns;

    private RoutePatterns(List<String> patterns) {
        this.patterns = patterns;
    }

    public static RoutePatterns of(String... patterns) {
        for (String pattern : patterns) {
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("a route pattern starts with '/': " + pattern);
            }
        }
        return new RoutePatterns(List.of(patterns));
    }

    /** The first pattern matching the path (the raw path, without the query). */
    public Optional<String> match(String path) {
        if (path == null || !path.startsWith("/")) {
            return Optional.empty();
        }
        String[] segments = path.substring(1).split("/", -1);
        for (String pattern : patterns) {
            if (matches(pattern.substring(1).split("/", -1), segments)) {
                return Optional.of(pattern);
            }
        }
        return Optional.empty();
    }

    /** The tag for a request: its pattern, or {@link #NOT_FOUND} / {@link #UNKNOWN}. */
    public String tag(String path, int status) {
        return match(path).orElse(status == 404 ? NOT_FOUND : UNKNOWN);
    }

    private static boolean matches(String[] pattern, String[] path) {
        for (int i = 0; i < pattern.length; i++) {
            String part = pattern[i];
            if (i == pattern.length - 1 && part.startsWith("{*") && part.endsWith("}")) {
                return path.length > i && !String.join("/", java.util.Arrays.copyOfRange(path, i, path.length)).isEmpty();
            }
            if (i >= path.length) {
                return false;
            }
            boolean variable = part.startsWith("{") && part.endsWith("}");
            if (variable ? path[i].isEmpty() : !part.equals(path[i])) {
                return false;
            }
        }
        return pattern.length == path.length;
    }
}
