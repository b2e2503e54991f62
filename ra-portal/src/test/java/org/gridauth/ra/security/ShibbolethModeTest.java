package org.gridauth.ra.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.gridauth.ra.RaPortalApplication;
import org.gridauth.ra.store.AccessLogStore;
import org.gridauth.ra.testing.Testbed;
import org.gridauth.ra.testing.WebClient;
import org.gridauth.ra.testing.WebClient.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * R-RA-1 "behind a Shibboleth SP": the real Apache + mod_shib + shibd (Debian) in front of a portal started in
 * Shibboleth mode, signing on at the real IdP. Attribute headers count only from the local proxy with the secret.
 */
class ShibbolethModeTest {

    static final String SECRET = "shared-secret-for-the-test-0123456789";

    static Testbed testbed;
    static ConfigurableApplicationContext portal;
    static int proxyPort;

    @BeforeAll
    static void start() throws Exception {
        testbed = Testbed.get();
        int httpsPort;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            proxyPort = a.getLocalPort();
            httpsPort = b.getLocalPort();
        }
        {
            Path home = Files.createDirectories(testbed.dir.resolve("shib-portal-home"));
            Path secret = home.resolve("proxy-secret");
            Files.writeString(secret, SECRET + "\n");
            Map<String, Object> p = testbed.portalProperties(home, testbed.tls());
            p.put("server.port", httpsPort);
            p.put("spring.datasource.url", "jdbc:h2:mem:shib-portal;DB_CLOSE_DELAY=-1");
            p.put("gridauth.ra.base-url", testbed.shibboleth.baseUrl());
            p.put("gridauth.ra.sign-on.mode", "shibboleth");
            p.put("gridauth.ra.sign-on.shibboleth.port", proxyPort);
            p.put("gridauth.ra.sign-on.shibboleth.secret-file", secret.toString());
            p.put("gridauth.ra.attributes.hpci-id", "hpciId");
            p.put("gridauth.ra.attributes.eppn", "eppn");
            p.put("gridauth.ra.attributes.given-name", "givenName");
            p.put("gridauth.ra.attributes.sn", "sn");
            p.put("gridauth.ra.attributes.mail", "mail");
            p.put("gridauth.ra.attributes.entitlement", "entitlement");
            // The test's Apache speaks plain HTTP on loopback (as the idp-bridge interop test): the cookie cannot be Secure there.
            p.put("server.servlet.session.cookie.secure", false);
            p.put("server.servlet.session.cookie.same-site", "lax");
            portal = new SpringApplicationBuilder(RaPortalApplication.class).run(Testbed.args(p));
        }
        String idpMetadata = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(testbed.idpBase() + "/idp/shibboleth")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        testbed.shibboleth.start(testbed.idpEntityId(), idpMetadata, proxyPort, SECRET);
    }

    @AfterAll
    static void stop() throws Exception {
        testbed.shibboleth.close();
        if (portal != null) {
            portal.close();
        }
    }

    static AccessLogStore log() {
        return portal.getBean(AccessLogStore.class);
    }

    @Test
    @DisplayName("R-RA-1: through Apache + mod_shib + shibd the person signs on at the IdP and the portal gets the attributes; a forged header is ignored")
    void throughShibboleth() {
        WebClient browser = testbed.browser();
        Page idpLogin = browser.follow(browser.get(testbed.shibboleth.baseUrl() + "/"));
        assertThat(idpLogin.uri().getPath()).isEqualTo("/idp/login");
        Page home = browser.follow(browser.idpLogin(idpLogin, "r35", ResearchFlow.PASSWORD));
        assertThat(home.status()).as(home.body()).isEqualTo(200);
        assertThat(home.uri().toString()).startsWith(testbed.shibboleth.baseUrl());
        assertThat(home.body()).contains("hpci100035").contains("Obtain a license ID");
        // A forged attribute header from the browser is dropped by mod_shib: the portal still sees r35.
        Page forged = browser.get(testbed.shibboleth.baseUrl() + "/?x=1");
        assertThat(forged.body()).contains("hpci100035");
        assertThat(log().search(new AccessLogStore.Filter("hpci100035", null, "SIGN_ON", "OK", null, null), 5)).singleElement()
                .satisfies(r -> assertThat(r.detail()).startsWith("shibboleth"));
    }

    @Test
    @DisplayName("R-RA-1: attribute headers sent to the portal without the secret, with a wrong one, or on the HTTPS listener are ignored and logged")
    void spoofedHeaders() throws Exception {
        HttpClient direct = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        for (String secret : new String[] {null, "wrong-secret-0123456789"}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/")).header("X-Shib-hpciId", "hpci200001")
                    .header("X-Shib-eppn", "op1@hpci.example.jp").header("X-Shib-entitlement", "urn:mace:hpci.example.jp:entitlement:ra-operator");
            if (secret != null) {
                request.header("X-Gridauth-Proxy-Secret", secret);
            }
            HttpResponse<String> response = direct.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("not signed in").isEqualTo(302);
            assertThat(response.headers().firstValue("Location").orElse("")).endsWith("/login");
        }
        WebClient https = testbed.browser();
        assertThat(log().search(new AccessLogStore.Filter(null, null, "SPOOFED_HEADERS", "IGNORED", null, null), 10)).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(r -> assertThat(r.detail()).contains("GA-RA-028"));
        assertThat(https).isNotNull();
    }

    /** Shared constants. */
    static final class ResearchFlow {
        static final String PASSWORD = "Portal-test-Pass1";
    }
}
