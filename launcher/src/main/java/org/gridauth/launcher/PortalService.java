package org.gridauth.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.credential.TlsKeys;

/**
 * The RA portal as 'gridauth up' runs it: its own JVM (Spring Boot executable jar), HTTPS on loopback with the
 * loopback host credential, the embedded SAML SP signing with a key the services CA issued, the IdP bridge's
 * metadata, the certificate manager and the CA's RA link as peers. The IdP must know the SP before it starts, so
 * the SP's metadata is written here, from the same key, before either JVM starts; the portal serves the same
 * metadata at {@code /saml/metadata} (a launcher test compares the two).
 *
 * <p>The portal fetches the IdP's metadata from the IdP itself, when the first person signs on if the IdP is still
 * booting when the portal is ready, so both JVMs boot at the same time.
 */
final class PortalService {

    static final String ACS_PATH = "/login/saml2/sso";
    static final String DS_RETURN_PATH = "/login/ds";

    private final Path home;
    private final SuiteSettings settings;
    private final LoopbackPki loopback;

    PortalService(Path home, SuiteSettings settings, LoopbackPki loopback) {
        this.home = home;
        this.settings = settings;
        this.loopback = loopback;
    }

    Path dir() {
        return home.resolve("ra-portal");
    }

    String baseUrl() {
        return "https://localhost:" + settings.portalPort();
    }

    String entityId() {
        return baseUrl() + "/sp";
    }

    Path spMetadata() {
        return dir().resolve("sp-metadata.xml");
    }

    Path configuration() {
        return dir().resolve("application.properties");
    }

    Path log() {
        return home.resolve("logs/ra-portal.log");
    }

    /** The SP's signing credential and metadata, and the portal's configuration file; made on first start. */
    void prepare(String idpUrl) {
        Path cert = dir().resolve("sp-signing.pem");
        Path key = dir().resolve("sp-signing.key");
        if (!Files.exists(cert)) {
            CredentialFiles.writeHostCredential(cert, key, loopback.issueSamlSigning("ra-portal SAML signing"));
        }
        X509Certificate signing = CredentialFiles.readCertificates(cert).get(0);
        AtomicFiles.write(spMetadata(), metadataXml(entityId(), baseUrl(), signing).getBytes(StandardCharsets.UTF_8), AtomicFiles.WORLD_READABLE);
        Path trust = dir().resolve("peer-roots.pem");
        AtomicFiles.write(trust, Pem.encode(loopback.caCertificate()).getBytes(StandardCharsets.US_ASCII), AtomicFiles.WORLD_READABLE);
        if (!Files.exists(configuration())) {
            String text = String.join("\n",
                    "# gridauth RA portal (see the RA portal chapter of the manual for every gridauth.ra setting)",
                    "server.address = 127.0.0.1",
                    "server.port = " + settings.portalPort(),
                    "server.ssl.certificate = file:" + loopback.hostCert().toAbsolutePath(),
                    "server.ssl.certificate-private-key = file:" + loopback.hostKey().toAbsolutePath(),
                    "spring.datasource.url = jdbc:h2:file:" + dir().resolve("db/portal").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE",
                    "gridauth.ra.base-url = " + baseUrl(),
                    "gridauth.ra.home = " + dir().toAbsolutePath(),
                    "gridauth.ra.sign-on.saml.entity-id = " + entityId(),
                    "gridauth.ra.sign-on.saml.sp-certificate = " + cert.toAbsolutePath(),
                    "gridauth.ra.sign-on.saml.sp-key = " + key.toAbsolutePath(),
                    "gridauth.ra.sign-on.saml.idp-metadata[0] = " + idpUrl + "/idp/shibboleth",
                    "gridauth.ra.sign-on.saml.discovery-url = " + idpUrl + "/ds",
                    "gridauth.ra.cert-manager.url = https://localhost:" + settings.certManagerPort(),
                    "gridauth.ra.cert-manager.certificate = " + loopback.portalCert().toAbsolutePath(),
                    "gridauth.ra.cert-manager.key = " + loopback.portalKey().toAbsolutePath(),
                    "gridauth.ra.cert-manager.trust = " + trust.toAbsolutePath(),
                    "gridauth.ra.ca.url = https://localhost:" + settings.caRaPort(),
                    "gridauth.ra.myproxy.host = " + LoopbackPki.hostName(),
                    "gridauth.ra.myproxy.port = " + settings.myProxyPort(),
                    // One operator on a demo machine: host certificate approvals need no second person.
                    "gridauth.ra.four-eyes = false",
                    "");
            AtomicFiles.write(configuration(), text.getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
        }
    }

    /** As the IdP: the quick-starting C1 compiler for a demo, full optimisation in a suite prepared for load runs. */
    ChildService start(Path jar, boolean preparedForLoad) {
        return ChildService.start("ra-portal", jar, preparedForLoad ? List.of("-Xmx384m") : List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"),
                List.of("--spring.config.additional-location=file:" + configuration().toAbsolutePath()), Map.of(), log());
    }

    void awaitReady(ChildService portal) {
        portal.awaitReady(URI.create(baseUrl() + "/saml/metadata"), Duration.ofSeconds(90), HttpClient.newBuilder().sslContext(trustingLoopback()));
    }

    /**
     * Waits until the portal sends a sign-on to the IdP. A portal that booted before the IdP answered fetches the IdP's
     * metadata again at a sign-on, at most every 5 s; without this wait the first sign-ons right after "Started" could
     * be refused (HTTP 400) for those seconds.
     */
    void awaitIdpKnown(String idpEntityId, Duration timeout) {
        HttpClient client = HttpClient.newBuilder().sslContext(trustingLoopback()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI start = URI.create(baseUrl() + "/login/ds?entityID=" + java.net.URLEncoder.encode(idpEntityId, StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + timeout.toNanos();
        int status = 0;
        while (System.nanoTime() < deadline) {
            try {
                status = client.send(java.net.http.HttpRequest.newBuilder(start).timeout(Duration.ofSeconds(10)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 3) {
                    return;
                }
                Thread.sleep(1000);
            } catch (java.io.IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("the RA portal does not send sign-ons to the IdP " + idpEntityId + " after " + timeout.toSeconds()
                + " s (last answer HTTP " + status + "); see " + log());
    }

    javax.net.ssl.SSLContext trustingLoopback() {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, TlsKeys.trusting(List.of(loopback.caCertificate())), null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the loopback services CA: " + e.getMessage(), e);
        }
    }

    /** The SP metadata the IdP is given; the same document as the portal's own (org.gridauth.ra.security.SpMetadata). */
    static String metadataXml(String entityId, String baseUrl, X509Certificate signing) {
        String cert;
        try {
            cert = Base64.getEncoder().encodeToString(signing.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="%s">
                  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" AuthnRequestsSigned="true" WantAssertionsSigned="true">
                    <md:Extensions><idpdisco:DiscoveryResponse xmlns:idpdisco="urn:oasis:names:tc:SAML:profiles:SSO:idp-discovery-protocol" Binding="urn:oasis:names:tc:SAML:profiles:SSO:idp-discovery-protocol" Location="%s%s" index="1"/></md:Extensions>
                    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
                    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
                    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="%s%s" index="1" isDefault="true"/>
                  </md:SPSSODescriptor>
                </md:EntityDescriptor>
                """.formatted(entityId, baseUrl, DS_RETURN_PATH, cert, baseUrl, ACS_PATH);
    }
}
