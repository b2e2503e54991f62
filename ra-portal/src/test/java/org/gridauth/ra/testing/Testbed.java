package org.gridauth.ra.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.idp.IdpApplication;
import org.gridauth.ra.RaPortalApplication;
import org.gridauth.ra.security.SpCredential;
import org.gridauth.ra.security.SpMetadata;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One started world for every portal test in the JVM (started on first use, stopped at JVM exit): the peers
 * ({@link PeerServices}), the real idp-bridge (SAML IdP, embedded LDAP with the accounts in
 * {@code portal-test-accounts.ldif}, discovery service) and the portal itself over HTTPS on localhost.
 * Each test uses its own accounts, so tests do not see each other's license IDs and certificates.
 */
public final class Testbed {

    public static final String SP_ENTITY_ID = "https://portal.test/sp";

    private static Testbed instance;

    public final Path dir;
    public final PeerServices peers;
    /**
     * The time of the portal, the CA and the certificate manager (not of the IdP and MyProxy): the system time until
     * a test moves it; a test that moves it puts it back before it ends (tests share the testbed).
     */
    public final MovableClock clock = new MovableClock();
    public final int idpPort;
    public final int portalPort;
    public final ConfigurableApplicationContext idp;
    public final ConfigurableApplicationContext portal;
    /** The Shibboleth SP (prepared, registered at the IdP; started by the Shibboleth-mode test only). */
    public final ShibbolethFront shibboleth;
    /** The SMTP server the portal's issuance notifications (R-RA-7) go to. */
    public final com.icegreen.greenmail.util.GreenMail mail;

    public static synchronized Testbed get() {
        return start(0);
    }

    /** The testbed with {@code loadAccounts} more researchers load00001... (password {@link #LOAD_PASSWORD}) for the load driver. */
    public static synchronized Testbed start(int loadAccounts) {
        if (instance == null) {
            try {
                instance = new Testbed(loadAccounts);
            } catch (Exception e) {
                throw new IllegalStateException("the portal testbed did not start: " + e, e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "testbed-stop"));
        }
        return instance;
    }

    public static final String LOAD_PASSWORD = "Portal-load-Pass1";

    private Testbed(int loadAccounts) throws Exception {
        dir = Files.createTempDirectory("ra-portal-test");
        peers = new PeerServices(dir, clock);
        idpPort = freePort();
        portalPort = freePort();
        mail = new com.icegreen.greenmail.util.GreenMail(new com.icegreen.greenmail.util.ServerSetup(freePort(), "127.0.0.1", "smtp"));
        mail.start();
        Path home = dir.resolve("portal-home");
        Credential sp = SpCredential.load(null, null, home, SP_ENTITY_ID, Clock.systemUTC());
        Files.writeString(dir.resolve("portal-sp.xml"), SpMetadata.xml(SP_ENTITY_ID, portalBase(), sp.certificate()));
        shibboleth = ShibbolethFront.prepare(dir.resolve("shib"), peers.pki);
        Files.writeString(dir.resolve("shib-sp.xml"), shibboleth.metadataXml());
        Files.writeString(dir.resolve("release.yaml"), """
                default: [eduPersonPrincipalName]
                sps:
                  %s: [sn, givenName, hpciId, eduPersonPrincipalName, eduPersonEntitlement, mail]
                  %s: [sn, givenName, hpciId, eduPersonPrincipalName, eduPersonEntitlement, mail]
                """.formatted(SP_ENTITY_ID, ShibbolethFront.ENTITY_ID));
        Files.writeString(dir.resolve("federation.xml"), FEDERATION.formatted(idpEntityId()));
        try (var in = Testbed.class.getResourceAsStream("/portal-test-accounts.ldif")) {
            Files.write(dir.resolve("accounts.ldif"), in.readAllBytes());
        }
        StringBuilder load = new StringBuilder();
        for (int i = 1; i <= loadAccounts; i++) {
            String uid = "load%05d".formatted(i);
            load.append("\ndn: uid=").append(uid).append(",ou=people,dc=hpci,dc=example,dc=jp\nobjectClass: top\nobjectClass: inetOrgPerson\n")
                    .append("objectClass: eduPerson\nobjectClass: hpciPerson\nuid: ").append(uid).append("\ncn: Load User\nsn: User\ngivenName: Load\n")
                    .append("hpciId: hpci9").append("%05d".formatted(i)).append("\neduPersonPrincipalName: ").append(uid).append("@hpci.example.jp\n")
                    .append("eduPersonEntitlement: urn:mace:hpci.example.jp:entitlement:grid-user\nhpciAccountState: active\nuserPassword: ")
                    .append(LOAD_PASSWORD).append("\n");
        }
        Files.writeString(dir.resolve("accounts.ldif"), load.toString(), java.nio.file.StandardOpenOption.APPEND);
        idp = startIdp();
        portal = startPortal(home);
    }

    /** A second IdP in the federation that the portal does not know (for the "unknown IdP" test). */
    public static final String OTHER_IDP = "https://idp.other.test/idp";

    private static final String FEDERATION = """
            <md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui"
                xmlns:mdattr="urn:oasis:names:tc:SAML:metadata:attribute" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">
              <md:EntityDescriptor entityID="%s">
                <md:Extensions><mdattr:EntityAttributes><saml:Attribute Name="http://macedir.org/entity-category">
                  <saml:AttributeValue>https://gridauth.example/category/hpci-account-idp</saml:AttributeValue></saml:Attribute></mdattr:EntityAttributes></md:Extensions>
                <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                  <md:Extensions><mdui:UIInfo><mdui:DisplayName xml:lang="en">HPCI Account IdP</mdui:DisplayName>
                    <mdui:DisplayName xml:lang="ja">HPCI アカウント IdP</mdui:DisplayName></mdui:UIInfo></md:Extensions>
                  <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.test/sso"/>
                </md:IDPSSODescriptor>
              </md:EntityDescriptor>
              <md:EntityDescriptor entityID="https://idp.other.test/idp">
                <md:Extensions><mdattr:EntityAttributes><saml:Attribute Name="http://macedir.org/entity-category">
                  <saml:AttributeValue>https://gridauth.example/category/hpci-account-idp</saml:AttributeValue></saml:Attribute></mdattr:EntityAttributes></md:Extensions>
                <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                  <md:Extensions><mdui:UIInfo><mdui:DisplayName xml:lang="en">Other University (test)</mdui:DisplayName></mdui:UIInfo></md:Extensions>
                  <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.other.test/sso"/>
                </md:IDPSSODescriptor>
              </md:EntityDescriptor>
            </md:EntitiesDescriptor>
            """;

    public String idpBase() {
        return "http://127.0.0.1:" + idpPort;
    }

    public String idpEntityId() {
        return idpBase() + "/idp/shibboleth";
    }

    public String portalBase() {
        return "https://localhost:" + portalPort;
    }

    private ConfigurableApplicationContext startIdp() {
        Map<String, Object> p = new LinkedHashMap<>();
        // The portal's application.yaml is first on this class path: the IdP must not read it.
        p.put("spring.config.name", "idp-bridge-under-test");
        p.put("spring.autoconfigure.exclude", String.join(",",
                "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration",
                "org.springframework.boot.autoconfigure.security.servlet.SecurityFilterAutoConfiguration",
                "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration",
                "org.springframework.boot.autoconfigure.security.saml2.Saml2RelyingPartyAutoConfiguration",
                // The IdP's actuator with Spring Security on this class path (the portal's) but not configured for it.
                "org.springframework.boot.actuate.autoconfigure.security.servlet.ManagementWebSecurityAutoConfiguration",
                "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
                "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration",
                "org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration",
                "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
                "org.springframework.boot.autoconfigure.thymeleaf.ThymeleafAutoConfiguration"));
        p.put("spring.main.banner-mode", "off");
        p.put("server.port", idpPort);
        p.put("server.address", "127.0.0.1");
        p.put("server.max-http-request-header-size", "80KB");
        p.put("server.servlet.session.cookie.name", "GRIDAUTH_IDP_SESSION");
        p.put("gridauth.idp.base-url", idpBase());
        p.put("gridauth.idp.home", dir.resolve("idp-home").toString());
        p.put("gridauth.idp.sp-metadata[0]", dir.resolve("portal-sp.xml").toString());
        p.put("gridauth.idp.sp-metadata[1]", dir.resolve("shib-sp.xml").toString());
        p.put("gridauth.idp.release-policy", dir.resolve("release.yaml").toString());
        p.put("gridauth.idp.ldap.embedded-ldif", dir.resolve("accounts.ldif").toString());
        p.put("gridauth.idp.discovery.metadata[0]", dir.resolve("federation.xml").toString());
        p.put("gridauth.idp.discovery.remember-days", 0);
        p.put("gridauth.idp.throttle.max-per-account", 1000);
        p.put("gridauth.idp.throttle.max-per-address", 100000);
        p.put("gridauth.idp.encrypt-assertions", false);
        return new SpringApplicationBuilder(IdpApplication.class).run(args(p));
    }

    private ConfigurableApplicationContext startPortal(Path home) throws IOException {
        Path tls = tls();
        CredentialFiles.writeHostCredential(tls.resolve("host.pem"), tls.resolve("host.key"), peers.pki.host());
        CredentialFiles.writeHostCredential(tls.resolve("portal.pem"), tls.resolve("portal.key"), peers.portal);
        Files.writeString(tls.resolve("ca.pem"), Pem.encode(peers.pki.ca().certificate()));
        Map<String, Object> p = new LinkedHashMap<>(portalProperties(home, tls));
        return new SpringApplicationBuilder(RaPortalApplication.class)
                .initializers(context -> context.getBeanFactory().registerSingleton("testbedClock", clock)).run(args(p));
    }

    public Path tls() throws IOException {
        return Files.createDirectories(dir.resolve("tls"));
    }

    /** The portal's test configuration; the Shibboleth-mode test starts a second portal from a variant of it. */
    public Map<String, Object> portalProperties(Path home, Path tls) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", portalPort);
        p.put("server.ssl.certificate", "file:" + tls.resolve("host.pem"));
        p.put("server.ssl.certificate-private-key", "file:" + tls.resolve("host.key"));
        p.put("spring.datasource.url", "jdbc:h2:mem:portal-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        p.put("spring.datasource.hikari.maximum-pool-size", 16);
        p.put("gridauth.ra.base-url", portalBase());
        p.put("gridauth.ra.home", home.toString());
        p.put("gridauth.ra.sign-on.saml.entity-id", SP_ENTITY_ID);
        p.put("gridauth.ra.sign-on.saml.idp-metadata[0]", idpBase() + "/idp/shibboleth");
        p.put("gridauth.ra.sign-on.saml.discovery-url", idpBase() + "/ds");
        p.put("gridauth.ra.cert-manager.url", peers.certManagerUrl());
        p.put("gridauth.ra.cert-manager.certificate", tls.resolve("portal.pem").toString());
        p.put("gridauth.ra.cert-manager.key", tls.resolve("portal.key").toString());
        p.put("gridauth.ra.cert-manager.trust", tls.resolve("ca.pem").toString());
        p.put("gridauth.ra.ca.url", peers.caUrl());
        p.put("gridauth.ra.myproxy.host", peers.pki.hostName());
        p.put("gridauth.ra.myproxy.port", peers.myproxy.port());
        p.put("gridauth.ra.license.max-total", 3);
        p.put("gridauth.ra.mail.host", "127.0.0.1");
        p.put("gridauth.ra.mail.port", mail.getSmtp().getPort());
        p.put("gridauth.ra.license.max-held", 1);
        return p;
    }

    /** As command-line arguments, so they win over application.yaml (default properties would not). */
    public static String[] args(Map<String, Object> properties) {
        return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    public <T> T bean(Class<T> type) {
        return portal.getBean(type);
    }

    public WebClient browser() {
        return new WebClient(this, "en");
    }

    public WebClient browser(String language) {
        return new WebClient(this, language);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    void close() {
        try {
            shibboleth.close();
        } catch (IOException | RuntimeException e) {
            // shutting down anyway
        }
        try {
            portal.close();
        } catch (RuntimeException e) {
            // shutting down anyway
        }
        try {
            idp.close();
        } catch (RuntimeException e) {
            // shutting down anyway
        }
        peers.close();
        mail.stop();
    }
}
