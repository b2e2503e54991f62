package org.gridauth.ra.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.ra.policy.Person;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.saml2.provider.service.authentication.AbstractSaml2AuthenticationRequest;
import org.springframework.security.saml2.provider.service.authentication.OpenSaml4AuthenticationProvider;
import org.springframework.security.saml2.provider.service.authentication.Saml2AuthenticationToken;
import org.springframework.security.saml2.provider.service.authentication.Saml2PostAuthenticationRequest;
import org.springframework.security.saml2.provider.service.registration.RelyingPartyRegistration;
import org.springframework.security.saml2.provider.service.registration.RelyingPartyRegistrations;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of what the portal's embedded SAML SP takes from outside (issue #11, R-RA-1): SAML Responses
 * posted to the ACS, through {@link SecurityConfiguration#samlProvider} (Spring's OpenSAML 4 provider: XML, signature
 * against the IdP's metadata key, status, issuer, destination; our {@link AssertionValidator}; attributes to a
 * {@link Person}), and IdP or federation metadata as {@link MetadataRegistrations} reads it through
 * {@link SamlConfiguration#registrations}. Contract: the response gives a sign-on or Spring's
 * {@link AuthenticationException} (the failure handler's page); metadata gives registrations or
 * {@link GridAuthException} (GA-RA-001); anything else is a finding.
 *
 * <p>Seeds: Responses the IdP bridge's own ResponseFactory made and signed with the fixed IdP key behind
 * {@code fuzz-idp-metadata.xml} (validity extended to 2099 so that they stay acceptable), answering the request
 * {@value #REQUEST_ID}; the IdP bridge's own metadata and a federation aggregate. Corpus in
 * {@code SamlFuzzTestInputs/<method>/}.
 */
class SamlFuzzTest {

    static final String REQUEST_ID = "ARQ-fuzz-4711";
    static final String SP_ENTITY_ID = "https://portal.fuzz.test/sp";
    static final String BASE_URL = "https://portal.fuzz.test";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
    private static final SamlConfiguration.ServiceProvider SP = new SamlConfiguration.ServiceProvider(SP_ENTITY_ID, BASE_URL, TestPki.shared().host());
    private static final RelyingPartyRegistration REGISTRATION = SamlConfiguration.registrations("fuzz-idp-metadata.xml",
            () -> RelyingPartyRegistrations.collectionFromMetadata(new ByteArrayInputStream(resource("fuzz-idp-metadata.xml"))), SP).get(0);
    private static final AbstractSaml2AuthenticationRequest REQUEST = Saml2PostAuthenticationRequest.withRelyingPartyRegistration(REGISTRATION)
            .samlRequest("unused").id(REQUEST_ID).build();
    private static final OpenSaml4AuthenticationProvider PROVIDER = SecurityConfiguration.samlProvider(
            (attributes, idp) -> new RaUser(new Person(attributes), Set.of(), List.of(), idp, "saml"));

    /** The SAML Response XML of a POST to the ACS (the base64 form field decoded, as Spring's converter hands it on). */
    @FuzzTest(maxDuration = "2m")
    void response(byte[] data) {
        try {
            PROVIDER.authenticate(new Saml2AuthenticationToken(REGISTRATION, new String(data, StandardCharsets.UTF_8), REQUEST));
        } catch (AuthenticationException expected) {
            // the documented refusal
        }
    }

    /** IdP or federation metadata from a configured location (file or URL). */
    @FuzzTest(maxDuration = "2m")
    void metadata(byte[] data) {
        try {
            MetadataRegistrations registrations = new MetadataRegistrations(List.of("fuzz-metadata.xml"),
                    location -> SamlConfiguration.registrations(location,
                            () -> RelyingPartyRegistrations.collectionFromMetadata(new ByteArrayInputStream(data)), SP), CLOCK);
            registrations.forEach(r -> registrations.findByRegistrationId(r.getRegistrationId()));
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = SamlFuzzTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
