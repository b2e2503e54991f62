package org.gridauth.gsi.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RoutePatternsTest {

    private final RoutePatterns routes = RoutePatterns.of("/", "/ca.pem", "/v1/certificates/{serial}", "/v1/accounts/{hpciId}/mappings",
            "/ocsp/{*request}");

    @Test
    @DisplayName("R-OP-2: metrics are tagged with the route pattern, never the identifiers in the path")
    void patterns() {
        assertThat(routes.match("/")).hasValue("/");
        assertThat(routes.match("/ca.pem")).hasValue("/ca.pem");
        assertThat(routes.match("/v1/certificates/1f2e3d")).hasValue("/v1/certificates/{serial}");
        assertThat(routes.match("/v1/accounts/hpci000123/mappings")).hasValue("/v1/accounts/{hpciId}/mappings");
        assertThat(routes.match("/ocsp/MEow/SDBGMEQw+Ag==")).hasValue("/ocsp/{*request}");
    }

    @Test
    @DisplayName("R-OP-2: a path matching no route counts as NOT_FOUND (404) or UNKNOWN, so clients cannot add tag values")
    void unmatched() {
        assertThat(routes.match("/v1/certificates/")).isEmpty();
        assertThat(routes.match("/v1/certificates/1/2")).isEmpty();
        assertThat(routes.match("/ocsp/")).isEmpty();
        assertThat(routes.match("/ca.pem/x")).isEmpty();
        assertThat(routes.tag("/etc/passwd", 404)).isEqualTo(RoutePatterns.NOT_FOUND);
        assertThat(routes.tag("/etc/passwd", 403)).isEqualTo(RoutePatterns.UNKNOWN);
        assertThat(HttpRequestMetrics.method("PROPFIND")).isEqualTo("OTHER");
        assertThatThrownBy(() -> RoutePatterns.of("v1")).isInstanceOf(IllegalArgumentException.class);
    }
}
