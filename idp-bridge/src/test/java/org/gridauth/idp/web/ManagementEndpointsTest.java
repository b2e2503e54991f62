package org.gridauth.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.gridauth.idp.testing.Browser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class ManagementEndpointsTest extends IdpServerTestBase {

    @Test
    @DisplayName("R-OP-2: the IdP answers /actuator/health and Micrometer metrics in the Prometheus format to a local client")
    void healthAndMetrics() throws Exception {
        new Browser(BASE).get("/idp/shibboleth");
        HttpResponse<String> health = new Browser(BASE).get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
        // What Prometheus sends when it scrapes.
        HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(BASE + "/actuator/prometheus")).header("Accept",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("http_server_requests_seconds_count");
    }

    @Test
    @DisplayName("R-OP-2: a client from another machine gets 403 from the monitoring endpoints, and the other pages are not affected")
    void remoteClientsRefused() throws Exception {
        ManagementAccessFilter filter = new ManagementAccessFilter();
        MockHttpServletRequest remote = new MockHttpServletRequest("GET", "/actuator/prometheus");
        remote.setRemoteAddr("192.0.2.10");
        MockHttpServletResponse refused = new MockHttpServletResponse();
        filter.doFilter(remote, refused, new MockFilterChain());
        assertThat(refused.getStatus()).isEqualTo(403);

        MockHttpServletRequest page = new MockHttpServletRequest("GET", "/idp/shibboleth");
        page.setRemoteAddr("192.0.2.10");
        MockHttpServletResponse passed = new MockHttpServletResponse();
        filter.doFilter(page, passed, new MockFilterChain());
        assertThat(passed.getStatus()).isEqualTo(200);
        assertThat(ManagementAccessFilter.loopback("::1")).isTrue();
        assertThat(ManagementAccessFilter.loopback("127.0.0.5")).isTrue();
        assertThat(ManagementAccessFilter.loopback("")).isFalse();
    }
}
