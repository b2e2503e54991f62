package org.gridauth.ra.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.gridauth.ra.testing.Testbed;
import org.gridauth.ra.testing.WebClient;
import org.gridauth.ra.testing.WebClient.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The monitoring endpoints of the portal, as the IdP's (idp-bridge ManagementEndpointsTest). */
class ManagementEndpointsTest {

    private final Testbed testbed = Testbed.get();

    @Test
    @DisplayName("R-OP-2: the portal answers /actuator/health (no details) and Micrometer metrics in the Prometheus format to a local client,"
            + " without sign-on and with the portal's security headers")
    void healthAndMetrics() {
        WebClient browser = testbed.browser();
        browser.get("/login");
        Page health = browser.get("/actuator/health");
        assertThat(health.status()).as(health.body()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(health.response().headers().firstValue("Strict-Transport-Security")).isPresent();
        assertThat(health.response().headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("frame-ancestors 'none'"));

        Page metrics = browser.get("/actuator/prometheus");
        assertThat(metrics.status()).as(metrics.body()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("http_server_requests_seconds_count")
                .contains("uri=\"/login\"");
    }

    @Test
    @DisplayName("R-OP-2: the other actuator endpoints are not exposed, and a POST to health is refused like any form without a CSRF token")
    void nothingElse() {
        WebClient browser = testbed.browser();
        assertThat(browser.get("/actuator/env").status()).isNotEqualTo(200);
        assertThat(browser.get("/actuator/beans").status()).isNotEqualTo(200);
        assertThat(browser.post("/actuator/health", java.util.Map.of()).status()).isNotEqualTo(200);
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

        MockHttpServletRequest page = new MockHttpServletRequest("GET", "/login");
        page.setRemoteAddr("192.0.2.10");
        MockHttpServletResponse passed = new MockHttpServletResponse();
        filter.doFilter(page, passed, new MockFilterChain());
        assertThat(passed.getStatus()).isEqualTo(200);
        assertThat(ManagementAccessFilter.loopback("::1")).isTrue();
        assertThat(ManagementAccessFilter.loopback("127.0.0.5")).isTrue();
        assertThat(ManagementAccessFilter.loopback("")).isFalse();
    }
}
