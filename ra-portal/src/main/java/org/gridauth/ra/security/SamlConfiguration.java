package org.gridauth.ra.security;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.RaProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.saml2.core.Saml2X509Credential;
import org.springframework.security.saml2.provider.service.registration.RelyingPartyRegistration;
import org.springframework.security.saml2.provider.service.registration.RelyingPartyRegistrationRepository;
import org.springframework.security.saml2.provider.service.registration.RelyingPartyRegistrations;

/**
 * The embedded SAML SP (R-RA-1): one registration per IdP found in the configured metadata (idp-bridge's
 * {@code /idp/shibboleth}, or a federation aggregate), all sharing the portal's entityID, ACS and signing key.
 */
@Configuration
@ConditionalOnProperty(name = "gridauth.ra.sign-on.mode", havingValue = "saml", matchIfMissing = true)
public class SamlConfiguration {

    /** The SP's identity, shared by the metadata endpoint and the registrations. */
    public record ServiceProvider(String entityId, String baseUrl, Credential signing) {
        public String metadataXml() {
            return SpMetadata.xml(entityId, baseUrl, signing.certificate());
        }
    }

    @Bean
    ServiceProvider serviceProvider(RaProperties properties, Clock clock) {
        String entityId = properties.signOn().saml().entityId() == null || properties.signOn().saml().entityId().isBlank()
                ? properties.base() + "/sp" : properties.signOn().saml().entityId();
        return new ServiceProvider(entityId, properties.base(), SpCredential.load(properties.signOn().saml().spCertificate(),
                properties.signOn().saml().spKey(), properties.home(), entityId, clock));
    }

    @Bean
    RelyingPartyRegistrationRepository relyingPartyRegistrations(RaProperties properties, ServiceProvider sp, Clock clock) {
        List<String> locations = properties.signOn().saml().idpMetadata();
        if (locations.isEmpty()) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, "gridauth.ra.sign-on.saml.idp-metadata lists no IdP or federation metadata");
        }
        return new MetadataRegistrations(locations,
                location -> registrations(location, () -> RelyingPartyRegistrations.collectionFromMetadataLocation(location), sp), clock);
    }

    /**
     * One registration per IdP in the metadata {@code read} returns (read from {@code location}), for our SP.
     *
     * @throws GridAuthException GA-RA code CONFIGURATION_INVALID when the metadata cannot be read or used
     */
    static List<RelyingPartyRegistration> registrations(String location, java.util.function.Supplier<java.util.Collection<RelyingPartyRegistration.Builder>> read,
                                                        ServiceProvider sp) {
        Saml2X509Credential signing = Saml2X509Credential.signing(sp.signing().privateKey(), sp.signing().certificate());
        Saml2X509Credential decryption = Saml2X509Credential.decryption(sp.signing().privateKey(), sp.signing().certificate());
        try {
            List<RelyingPartyRegistration> registrations = new ArrayList<>();
            for (RelyingPartyRegistration.Builder builder : read.get()) {
                RelyingPartyRegistration probe = builder.registrationId("probe").build();
                String idp = probe.getAssertingPartyMetadata().getEntityId();
                registrations.add(builder.registrationId(registrationId(idp)).entityId(sp.entityId())
                        .assertionConsumerServiceLocation(sp.baseUrl() + SpMetadata.ACS_PATH)
                        .signingX509Credentials(c -> c.add(signing)).decryptionX509Credentials(c -> c.add(decryption))
                        // Our metadata says AuthnRequestsSigned="true": always sign, whatever the IdP's metadata asks.
                        .assertingPartyMetadata(a -> a.wantAuthnRequestsSigned(true)).build());
            }
            return registrations;
        } catch (RuntimeException e) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, e, "the IdP metadata " + location + " cannot be read: " + e.getMessage());
        }
    }

    /** A registration ID that is stable for an IdP and safe in a URL path. */
    public static String registrationId(String idpEntityId) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(idpEntityId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "idp-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Clock skew accepted on assertion times. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(3);
}
