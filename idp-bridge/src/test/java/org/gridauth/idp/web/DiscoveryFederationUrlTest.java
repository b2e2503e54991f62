package org.gridauth.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.gridauth.idp.IdpApplication;
import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.protocol.SigningKeys;
import org.gridauth.idp.testing.Browser;
import org.gridauth.idp.testing.SignedAggregates;
import org.gridauth.idp.testing.TestSp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.sun.net.httpserver.HttpServer;

/** The discovery service fed by a federation aggregate fetched over HTTP and checked against the federation's key. */
@SpringBootTest(classes = IdpApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class DiscoveryFederationUrlTest {

    static final Path DIR;
    static final int PORT;
    static final HttpServer FEDERATION;
    static final TestSp SP;

    static {
        try {
            OpenSaml.init();
            DIR = Files.createTempDirectory("idp-ds-fed");
            try (ServerSocket socket = new ServerSocket(0)) {
                PORT = socket.getLocalPort();
            }
            SigningKeys.generate(DIR.resolve("fed.crt"), DIR.resolve("fed.key"), "federation", Clock.systemUTC());
            byte[] aggregate = SignedAggregates.aggregate(SigningKeys.load(DIR.resolve("fed.crt"), DIR.resolve("fed.key")),
                    Instant.now().plus(Duration.ofDays(7)), Duration.ofHours(1), "https://fetched.test/idp");
            FEDERATION = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            FEDERATION.createContext("/fed.xml", exchange -> {
                exchange.sendResponseHeaders(200, aggregate.length);
                exchange.getResponseBody().write(aggregate);
                exchange.close();
            });
            FEDERATION.start();
            SP = new TestSp(DIR, "https://portal.test/shibboleth", "https://portal.test/Shibboleth.sso/SAML2/POST", false);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        registry.add("server.port", () -> PORT);
        registry.add("gridauth.idp.base-url", () -> "http://127.0.0.1:" + PORT);
        registry.add("gridauth.idp.home", () -> DIR.resolve("home").toString());
        registry.add("gridauth.idp.sp-metadata[0]", () -> {
            try {
                return SP.writeMetadata(DIR).toString();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        registry.add("gridauth.idp.discovery.metadata-url", () -> "http://127.0.0.1:" + FEDERATION.getAddress().getPort() + "/fed.xml");
        registry.add("gridauth.idp.discovery.metadata-certificate", () -> DIR.resolve("fed.crt").toString());
        registry.add("gridauth.idp.discovery.idps[0]", () -> "https://fetched.test/idp");
    }

    @Test
    @DisplayName("R-IDP-4, R-DS-1: IdPs of the fetched and verified federation aggregate are offered; the good copy is kept in the backing file")
    void fetchedIdpsOffered() {
        String page = new Browser("http://127.0.0.1:" + PORT).get("/ds?entityID=" + URLEncoder.encode(SP.entityId, StandardCharsets.UTF_8)).body();
        assertThat(page).contains("https://fetched.test/idp");
        assertThat(DIR.resolve("home/federation-metadata.xml")).exists();
    }
}
