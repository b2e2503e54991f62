package org.gridauth.ra;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

import org.apache.catalina.connector.Connector;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.protocol.CaLinkClient;
import org.gridauth.ra.protocol.CertManagerClient;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Beans made from the configuration, each checked when made so a mistake stops the start-up with GA-RA-001 naming
 * the setting (never at the first request).
 */
@Configuration
public class PortalConfiguration {

    /**
     * The portal's time (license IDs, renewal windows, the access log): the system clock, unless a Clock was
     * registered before the context started (the portal testbed registers one it can move forward).
     */
    @Bean
    @ConditionalOnMissingBean(Clock.class)
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    CertManagerClient certManagerClient(RaProperties properties) {
        RaProperties.CertManager cm = properties.certManager();
        if (cm.url().isBlank()) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, "gridauth.ra.cert-manager.url is not set (the certificate manager, e.g. https://cm.example.org:8444)");
        }
        return new CertManagerClient(httpsUrl("gridauth.ra.cert-manager.url", cm.url()), portalCredential(properties), trust(properties), cm.timeout());
    }

    @Bean
    @ConditionalOnExpression("!'${gridauth.ra.ca.url:}'.isBlank()")
    CaLinkClient caLinkClient(RaProperties properties) {
        return new CaLinkClient(httpsUrl("gridauth.ra.ca.url", properties.ca().url()), portalCredential(properties), trust(properties),
                properties.certManager().timeout());
    }

    /** Shibboleth mode: the plain-HTTP listener on loopback that only the local Apache (mod_shib) talks to. */
    @Bean
    @ConditionalOnExpression("'${gridauth.ra.sign-on.mode:saml}' == 'shibboleth'")
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> shibbolethListener(RaProperties properties) {
        return factory -> {
            Connector connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
            connector.setPort(properties.signOn().shibboleth().port());
            connector.setProperty("address", "127.0.0.1");
            factory.addAdditionalTomcatConnectors(connector);
        };
    }

    /** Tomcat's own error reports (requests refused before the portal sees them) in the portal's words. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> portalErrorValve() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof org.apache.catalina.core.StandardHost host) {
                host.setErrorReportValveClass(org.gridauth.ra.web.PortalErrorValve.class.getName());
            }
        });
    }

    static Credential portalCredential(RaProperties properties) {
        Path cert = properties.certManager().certificate();
        Path key = properties.certManager().key();
        if (cert == null || key == null || !Files.isReadable(cert) || !Files.isReadable(key)) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID,
                    "gridauth.ra.cert-manager.certificate and key must name the readable PEM certificate and key of the portal");
        }
        return CredentialFiles.readUserCredential(cert, key, null);
    }

    static List<X509Certificate> trust(RaProperties properties) {
        Path trust = properties.certManager().trust();
        if (trust == null || !Files.isReadable(trust)) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, "gridauth.ra.cert-manager.trust must name a readable PEM file of CA certificates");
        }
        List<X509Certificate> anchors = CredentialFiles.readCertificates(trust);
        if (anchors.isEmpty()) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, "gridauth.ra.cert-manager.trust holds no certificate");
        }
        return anchors;
    }

    static URI httpsUrl(String setting, String url) {
        try {
            URI uri = URI.create(url);
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an https URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, setting + " must be an https:// URL, not " + url);
        }
    }
}
