package org.gridauth.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;

import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.idp.IdpApplication;
import org.gridauth.idp.protocol.IdpEndpoints;
import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.testing.Browser;
import org.gridauth.idp.testing.TestSp;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One IdP for all web tests: embedded directory with the demo accounts, three test SPs (a portal with a full
 * release policy, another SP on the default policy, and one whose metadata demands signed requests).
 */
@SpringBootTest(classes = IdpApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
abstract class IdpServerTestBase {

    static final Path DIR;
    static final int PORT;
    static final String BASE;
    static final TestSp PORTAL;
    static final TestSp OTHER;
    static final TestSp SIGNING;
    static final TestSp ENCRYPTING;
    /** Metadata without WantAssertionsSigned and with only an HTTP-POST SingleLogoutService. */
    static final TestSp PLAIN;

    static final String TARO_PASSWORD = "taro-demo-Pass1";

    static final String HPCI_CATEGORY = "https://hpci.test/category/hpci-account-idp";

    /** A federation aggregate: two HPCI account IdPs (one is this IdP) and one IdP outside the category. */
    static final String FEDERATION = """
            <md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui"
                xmlns:mdattr="urn:oasis:names:tc:SAML:metadata:attribute" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">
              <md:EntityDescriptor entityID="%s">
                <md:Extensions><mdattr:EntityAttributes><saml:Attribute Name="http://macedir.org/entity-category">
                  <saml:AttributeValue>https://hpci.test/category/hpci-account-idp</saml:AttributeValue></saml:Attribute></mdattr:EntityAttributes></md:Extensions>
                <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                  <md:Extensions><mdui:UIInfo><mdui:DisplayName xml:lang="en">HPCI Account IdP</mdui:DisplayName>
                    <mdui:DisplayName xml:lang="ja">HPCI アカウント IdP</mdui:DisplayName></mdui:UIInfo></md:Extensions>
                  <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.test/sso"/>
                </md:IDPSSODescriptor>
              </md:EntityDescriptor>
              <md:EntityDescriptor entityID="https://idp.tokyo-u.test/idp/shibboleth">
                <md:Extensions><mdattr:EntityAttributes><saml:Attribute Name="http://macedir.org/entity-category">
                  <saml:AttributeValue>https://hpci.test/category/hpci-account-idp</saml:AttributeValue></saml:Attribute></mdattr:EntityAttributes></md:Extensions>
                <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                  <md:Extensions><mdui:UIInfo><mdui:DisplayName xml:lang="en">University of Tokyo (test)</mdui:DisplayName>
                    <mdui:DisplayName xml:lang="ja">東京大学 (テスト)</mdui:DisplayName></mdui:UIInfo></md:Extensions>
                  <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.tokyo-u.test/sso"/>
                </md:IDPSSODescriptor>
              </md:EntityDescriptor>
              <md:EntityDescriptor entityID="https://idp.other.test/idp">
                <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                  <md:Extensions><mdui:UIInfo><mdui:DisplayName xml:lang="en">Other Federation IdP</mdui:DisplayName></mdui:UIInfo></md:Extensions>
                  <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.other.test/sso"/>
                </md:IDPSSODescriptor>
              </md:EntityDescriptor>
            </md:EntitiesDescriptor>
            """;

    static {
        try {
            OpenSaml.init();
            DIR = Files.createTempDirectory("idp-web-test");
            try (ServerSocket socket = new ServerSocket(0)) {
                PORT = socket.getLocalPort();
            }
            BASE = "http://127.0.0.1:" + PORT;
            PORTAL = new TestSp(DIR, "https://portal.test/shibboleth", "https://portal.test/Shibboleth.sso/SAML2/POST", false);
            OTHER = new TestSp(DIR, "https://other.test/sp", "https://other.test/acs", false);
            SIGNING = new TestSp(DIR, "https://signing.test/sp", "https://signing.test/acs", true);
            ENCRYPTING = new TestSp(DIR, "https://encrypting.test/sp", "https://encrypting.test/acs", false, true);
            PLAIN = new TestSp(DIR, "https://plain.test/sp", "https://plain.test/acs", false).responseSignatureOnly().postLogoutOnly();
            Files.writeString(DIR.resolve("federation.xml"), FEDERATION.formatted(BASE + "/idp/shibboleth"));
            Files.writeString(DIR.resolve("release.yaml"), """
                    default: [eduPersonPrincipalName]
                    sps:
                      https://portal.test/shibboleth: [sn, givenName, hpciId, eduPersonPrincipalName, eduPersonEntitlement, o, ou, jao, jaou]
                    """);
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void idpProperties(DynamicPropertyRegistry registry) throws IOException {
        registry.add("server.port", () -> PORT);
        registry.add("gridauth.idp.base-url", () -> BASE);
        registry.add("gridauth.idp.home", () -> DIR.resolve("home").toString());
        registry.add("gridauth.idp.release-policy", () -> DIR.resolve("release.yaml").toString());
        registry.add("gridauth.idp.sp-metadata[0]", () -> write(PORTAL));
        registry.add("gridauth.idp.sp-metadata[1]", () -> write(OTHER));
        registry.add("gridauth.idp.sp-metadata[2]", () -> write(SIGNING));
        registry.add("gridauth.idp.sp-metadata[3]", () -> write(ENCRYPTING));
        registry.add("gridauth.idp.sp-metadata[4]", () -> write(PLAIN));
        registry.add("gridauth.idp.throttle.max-per-account", () -> 3);
        registry.add("gridauth.idp.max-request-bytes", () -> 32768);
        registry.add("gridauth.idp.discovery.metadata[0]", () -> DIR.resolve("federation.xml").toString());
        registry.add("gridauth.idp.discovery.entity-attribute-value", () -> HPCI_CATEGORY);
    }

    private static String write(TestSp sp) {
        try {
            return sp.writeMetadata(DIR).toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate idpCertificate() {
        return CredentialFiles.readCertificates(DIR.resolve("home/idp-signing.crt")).get(0);
    }

    static String redirectUrl() {
        return BASE + IdpEndpoints.SSO_REDIRECT_PATH;
    }

    static String postUrl() {
        return BASE + IdpEndpoints.SSO_POST_PATH;
    }

    /** Signs in on the login page the IdP redirected to; returns the page the login POST produced. */
    static HttpResponse<String> login(Browser browser, String username, String password) {
        HttpResponse<String> page = browser.get("/idp/login");
        assertThat(page.statusCode()).isEqualTo(200);
        return browser.post("/idp/login", Map.of("csrf", Browser.field(page.body(), "csrf"), "username", username, "password", password));
    }
}
