package org.gridauth.ra;

import java.net.URI;
import java.nio.file.Files;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.service.SettingsService;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.stereotype.Component;

/**
 * Cross-field checks of the configuration at start-up: users reach the portal over HTTPS only (R-RA-10), the
 * rules and CN format parse, the home directory is writable.
 */
@Component
public class RaStartupCheck implements InitializingBean {

    private final RaProperties properties;
    private final ServerProperties server;

    public RaStartupCheck(RaProperties properties, ServerProperties server) {
        this.properties = properties;
        this.server = server;
    }

    private boolean sslConfigured() {
        var ssl = server.getSsl();
        return ssl != null && ssl.isEnabled() && (ssl.getCertificate() != null || ssl.getKeyStore() != null || ssl.getBundle() != null);
    }

    @Override
    public void afterPropertiesSet() {
        URI base;
        try {
            base = URI.create(properties.base());
        } catch (IllegalArgumentException e) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, "gridauth.ra.base-url is not a URL");
        }
        boolean loopback = base.getHost() != null && (base.getHost().equals("localhost") || base.getHost().equals("127.0.0.1"));
        if (!"https".equals(base.getScheme()) && !(properties.signOn().shibbolethMode() && loopback)) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, "gridauth.ra.base-url must be https:// (R-RA-10: HTTPS only for users)");
        }
        if (!properties.signOn().shibbolethMode() && !sslConfigured()) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID,
                    "server.ssl must be configured (server.ssl.certificate, server.ssl.certificate-private-key): the portal serves HTTPS only");
        }
        if (!properties.signOn().mode().equals("saml") && !properties.signOn().shibbolethMode()) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, "gridauth.ra.sign-on.mode must be saml or shibboleth");
        }
        SettingsService.fromProperties(properties);
        if (properties.proxy().defaultHours() > properties.proxy().maxHours()) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, "gridauth.ra.proxy.default-hours is above max-hours");
        }
        try {
            Files.createDirectories(properties.home());
        } catch (java.io.IOException e) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, e, "gridauth.ra.home " + properties.home() + " cannot be created: " + e.getMessage());
        }
    }
}
