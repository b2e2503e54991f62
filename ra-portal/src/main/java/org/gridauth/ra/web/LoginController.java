package org.gridauth.ra.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.RaProperties;
import org.gridauth.ra.security.MetadataRegistrations;
import org.gridauth.ra.security.SamlConfiguration;
import org.gridauth.ra.security.SamlConfiguration.ServiceProvider;
import org.gridauth.ra.security.SpMetadata;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.saml2.provider.service.registration.IterableRelyingPartyRegistrationRepository;
import org.springframework.security.saml2.provider.service.registration.RelyingPartyRegistration;
import org.springframework.security.saml2.provider.service.registration.RelyingPartyRegistrationRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Sign-on (R-RA-1): the login page sends the browser to the discovery service (idp-bridge's {@code /ds}), which
 * returns with the chosen IdP's entityID to {@code /login/ds}; the portal then starts SAML with that IdP. With only
 * one IdP and no discovery service configured, the login page starts SAML directly.
 */
@Controller
public class LoginController {

    private final RaProperties properties;
    private final ObjectProvider<ServiceProvider> sp;
    private final ObjectProvider<RelyingPartyRegistrationRepository> registrations;

    public LoginController(RaProperties properties, ObjectProvider<ServiceProvider> sp, ObjectProvider<RelyingPartyRegistrationRepository> registrations) {
        this.properties = properties;
        this.sp = sp;
        this.registrations = registrations;
    }

    @GetMapping("/login")
    String login(Model model) {
        model.addAttribute("signOnUrl", signOnUrl());
        model.addAttribute("shibboleth", properties.signOn().shibbolethMode());
        return "login";
    }

    private String signOnUrl() {
        if (properties.signOn().shibbolethMode()) {
            return "/Shibboleth.sso/Login?target=" + URLEncoder.encode(properties.base() + "/", StandardCharsets.UTF_8);
        }
        String ds = properties.signOn().saml().discoveryUrl();
        ServiceProvider provider = sp.getObject();
        if (ds != null && !ds.isBlank()) {
            return ds + (ds.contains("?") ? "&" : "?") + "entityID=" + URLEncoder.encode(provider.entityId(), StandardCharsets.UTF_8) + "&return="
                    + URLEncoder.encode(provider.baseUrl() + SpMetadata.DS_RETURN_PATH, StandardCharsets.UTF_8) + "&returnIDParam=entityID";
        }
        if (registrations.getObject() instanceof IterableRelyingPartyRegistrationRepository all) {
            for (RelyingPartyRegistration r : all) {
                return "/saml2/authenticate/" + r.getRegistrationId();
            }
        }
        throw new GridAuthException(RaError.CONFIGURATION_INVALID, "no IdP is configured");
    }

    /** The discovery service's return: start SAML with the chosen IdP if the portal knows it. */
    @GetMapping(SpMetadata.DS_RETURN_PATH)
    String discoveryReturn(@RequestParam(name = "entityID", required = false) String entityId) {
        if (entityId == null || entityId.isBlank() || entityId.length() > 1024) {
            throw new GridAuthException(RaError.IDP_UNKNOWN, "(none chosen)");
        }
        String id = SamlConfiguration.registrationId(entityId);
        RelyingPartyRegistrationRepository repository = registrations.getIfAvailable();
        if (repository == null) {
            throw new GridAuthException(RaError.IDP_UNKNOWN, entityId);
        }
        // Asked first: once the metadata is loaded it stays loaded, so the lookup after it cannot be told apart wrongly.
        if (repository instanceof MetadataRegistrations remote) {
            remote.unavailable().ifPresent(locations -> {
                throw new GridAuthException(RaError.IDP_METADATA_UNAVAILABLE, locations);
            });
        }
        if (repository.findByRegistrationId(id) == null) {
            throw new GridAuthException(RaError.IDP_UNKNOWN, entityId);
        }
        return "redirect:/saml2/authenticate/" + id;
    }

    @GetMapping(value = "/saml/metadata", produces = "application/samlmetadata+xml")
    ResponseEntity<String> metadata() {
        ServiceProvider provider = sp.getIfAvailable();
        if (provider == null) {
            throw new GridAuthException(RaError.PAGE_NOT_FOUND, "/saml/metadata");
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/samlmetadata+xml")).body(provider.metadataXml());
    }

    @GetMapping("/signed-out")
    String signedOut() {
        return "signed-out";
    }
}
