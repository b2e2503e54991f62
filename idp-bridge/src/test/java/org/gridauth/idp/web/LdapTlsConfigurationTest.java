package org.gridauth.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.idp.IdpApplication;
import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.testing.Browser;
import org.gridauth.idp.testing.SamlResponses;
import org.gridauth.idp.testing.Slapd;
import org.gridauth.idp.testing.TestSp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The IdP configured as the manual describes for a production directory: passwords checked in slapd over LDAPS
 * trusting only the configured CA, attributes and account state read from a second directory (an UnboundID server
 * whose entries differ, so the test sees where they came from).
 */
@SpringBootTest(classes = IdpApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class LdapTlsConfigurationTest {

    static final Path DIR;
    static final int PORT;
    static final Slapd SLAPD;
    static final TestSp SP;
    static final org.gridauth.idp.store.EmbeddedDirectoryServer ATTRIBUTES;

    static {
        try {
            OpenSaml.init();
            DIR = Files.createTempDirectory("idp-ldap-tls");
            TestPki pki = TestPki.create(DIR.resolve("pki"));
            CredentialFiles.writeHostCredential(DIR.resolve("slapd.crt"), DIR.resolve("slapd.key"), pki.host());
            Files.writeString(DIR.resolve("ca.pem"), Pem.encode(pki.ca().certificate()));
            Files.createDirectories(DIR.resolve("slapd"));
            SLAPD = Slapd.start(DIR.resolve("slapd"), LdapTlsConfigurationTest.class.getResourceAsStream("/demo-accounts.ldif"),
                    new Slapd.Tls(DIR.resolve("slapd.crt"), DIR.resolve("slapd.key")));
            ATTRIBUTES = org.gridauth.idp.store.EmbeddedDirectoryServer.start("dc=attrs,dc=example", 0, new java.io.ByteArrayInputStream("""
                    dn: dc=attrs,dc=example
                    objectClass: domain
                    dc: attrs

                    dn: uid=taro,dc=attrs,dc=example
                    objectClass: inetOrgPerson
                    objectClass: eduPerson
                    objectClass: hpciPerson
                    uid: taro
                    cn: Taro Yamada
                    sn: Yamada-B
                    hpciId: hpci000001
                    hpciAccountState: active

                    dn: uid=hanako,dc=attrs,dc=example
                    objectClass: inetOrgPerson
                    objectClass: hpciPerson
                    uid: hanako
                    cn: Hanako Suzuki
                    sn: Suzuki
                    hpciAccountState: suspended
                    """.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            try (ServerSocket socket = new ServerSocket(0)) {
                PORT = socket.getLocalPort();
            }
            SP = new TestSp(DIR, "https://ldap-tls.test/sp", "https://ldap-tls.test/acs", false).responseSignatureOnly();
            Files.writeString(DIR.resolve("release.yaml"), "default: [hpciId, sn]\n");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @AfterAll
    static void stop() {
        SLAPD.close();
        ATTRIBUTES.close();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("gridauth.idp.base-url", () -> "http://127.0.0.1:" + PORT);
        registry.add("gridauth.idp.home", () -> DIR.resolve("home").toString());
        registry.add("gridauth.idp.release-policy", () -> DIR.resolve("release.yaml").toString());
        registry.add("gridauth.idp.sp-metadata[0]", () -> {
            try {
                return SP.writeMetadata(DIR).toString();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        registry.add("gridauth.idp.ldap.url", () -> SLAPD.ldapsUrl("localhost"));
        registry.add("gridauth.idp.ldap.trust-certificates", () -> DIR.resolve("ca.pem").toString());
        registry.add("gridauth.idp.ldap.attribute-directory.url", () -> ATTRIBUTES.url());
        registry.add("gridauth.idp.ldap.attribute-directory.base-dn", () -> "dc=attrs,dc=example");
        registry.add("gridauth.idp.ldap.attribute-directory.user-filter", () -> "(&(objectClass=hpciPerson)(uid={user}))");
    }

    @Test
    @DisplayName("R-IDP-1: with ldap.url ldaps:// and trust-certificates, and an attribute-directory, a sign-on releases the attributes read there and its account state decides")
    void signOnOverTls() throws Exception {
        String base = "http://127.0.0.1:" + PORT;
        Browser browser = new Browser(base);
        browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(SP.authnRequest(base + "/idp/profile/SAML2/Redirect/SSO", null)), null, null));
        var page = browser.get("/idp/login");
        var answer = browser.post("/idp/login", Map.of("csrf", Browser.field(page.body(), "csrf"), "username", "taro", "password", "taro-demo-Pass1"));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        var response = SamlResponses.decode(Browser.field(answer.body(), "SAMLResponse"));
        assertThat(SamlResponses.attributes(response.getAssertions().get(0)))
                .containsEntry("urn:gridauth:attribute:hpciId", java.util.List.of("hpci000001"))
                .containsEntry("urn:oid:2.5.4.4", java.util.List.of("Yamada-B"));

        Browser other = new Browser(base);
        other.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(SP.authnRequest(base + "/idp/profile/SAML2/Redirect/SSO", null)), null, null));
        var second = other.get("/idp/login");
        // hanako is active in slapd but suspended in the attribute directory.
        var refused = other.post("/idp/login", Map.of("csrf", Browser.field(second.body(), "csrf"), "username", "hanako", "password", "hanako-demo-Pass2"));
        assertThat(refused.body()).contains("GA-IDP-011");
    }
}
