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
    /** An SP known only from the federation aggregate. */
    static final TestSp FEDERATED;

    static {
        try {
            OpenSaml.init();
            DIR = Files.createTempDirectory("idp-ds-fed");
            try (ServerSocket socket = new ServerSocket(0)) {
                PORT = socket.getLocalPort();
            }
            SigningKeys.generate(DIR.resolve("fed.crt"), DIR.resolve("fed.key"), "federation", Clock.systemUTC());
            FEDERATED = new TestSp(DIR, "https://federated.test/sp", "https://federated.test/Shibboleth.sso/SAML2/POST", true);
            byte[] aggregate = SignedAggregates.aggregate(SigningKeys.load(DIR.resolve("fed.crt"), DIR.resolve("fed.key")),
                    Instant.now().plus(Duration.ofDays(7)), Duration.ofHours(1), java.util.List.of("https://fetched.test/idp"),
                    java.util.List.of(FEDERATED.metadataXml()));
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

    @Test
    @DisplayName("R-IDP-4: an SP known only from the verified federation aggregate is served: its signed request is checked with the key from the aggregate and the Response goes to its ACS")
    void federationSpServed() throws Exception {
        String base = "http://127.0.0.1:" + PORT;
        Browser browser = new Browser(base);
        org.opensaml.saml.saml2.core.AuthnRequest request = FEDERATED.authnRequest(base + "/idp/profile/SAML2/Redirect/SSO", null);
        // Its metadata in the aggregate says AuthnRequestsSigned: unsigned is refused, signed with its key accepted.
        assertThat(browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(request), null, null)).body())
                .contains("GA-IDP-005");
        request = FEDERATED.authnRequest(base + "/idp/profile/SAML2/Redirect/SSO", null);
        assertThat(browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(request), null, FEDERATED.credential))
                .headers().firstValue("Location")).hasValue("/idp/login");
        var page = browser.get("/idp/login");
        var answer = browser.post("/idp/login", java.util.Map.of("csrf", Browser.field(page.body(), "csrf"), "username", "taro",
                "password", "taro-demo-Pass1"));
        assertThat(Browser.formAction(answer.body())).isEqualTo(FEDERATED.acsUrl);
        var response = org.gridauth.idp.testing.SamlResponses.decode(Browser.field(answer.body(), "SAMLResponse"));
        assertThat(response.getInResponseTo()).isEqualTo(request.getID());
        org.gridauth.idp.testing.SamlResponses.verifyResponseSignature(response,
                org.gridauth.gsi.credential.CredentialFiles.readCertificates(DIR.resolve("home/idp-signing.crt")).get(0));
        // An SP in neither the configuration nor the aggregate is still unknown.
        TestSp stranger = new TestSp(DIR, "https://stranger.test/sp", "https://stranger.test/acs", false);
        assertThat(new Browser(base).get("/idp/profile/SAML2/Redirect/SSO?"
                + TestSp.redirectQuery(OpenSaml.toXml(stranger.authnRequest(base + "/idp/profile/SAML2/Redirect/SSO", null)), null, null)).body())
                .contains("GA-IDP-001");
    }
}
