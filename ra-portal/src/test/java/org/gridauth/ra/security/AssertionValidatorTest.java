package org.gridauth.ra.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import javax.xml.namespace.QName;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opensaml.core.config.InitializationService;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Audience;
import org.opensaml.saml.saml2.core.AudienceRestriction;
import org.opensaml.saml.saml2.core.Conditions;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.NameID;
import org.opensaml.saml.saml2.core.Subject;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.opensaml.saml.saml2.core.SubjectConfirmationData;
import org.springframework.security.saml2.core.Saml2ResponseValidatorResult;
import org.springframework.security.saml2.provider.service.authentication.Saml2AuthenticationToken;
import org.springframework.security.saml2.provider.service.authentication.Saml2RedirectAuthenticationRequest;
import org.springframework.security.saml2.provider.service.registration.RelyingPartyRegistration;

/**
 * The assertion checks that replace Spring's default validator on OpenSAML 4.0.1 (../shared/notes/saml.md): one
 * test per rejection. Signatures are checked by Spring before this validator; the end-to-end tests in
 * SamlSignOnTest show a tampered and an unsigned response refused.
 */
class AssertionValidatorTest {

    static final String SP = "https://portal.test/sp";
    static final String ACS = "https://portal.test/login/saml2/sso";
    static final String IDP = "https://idp.test/idp/shibboleth";
    static final String REQUEST_ID = "ARQ-1234";

    private final AssertionValidator validator = new AssertionValidator(Duration.ofMinutes(3));

    @BeforeAll
    static void init() throws Exception {
        InitializationService.initialize();
    }

    @SuppressWarnings("unchecked")
    static <T> T build(QName name) {
        return (T) XMLObjectProviderRegistrySupport.getBuilderFactory().getBuilder(name).buildObject(name);
    }

    /** A bearer assertion for our SP; each test spoils one part. */
    static Assertion assertion(String audience, String recipient, String inResponseTo, Instant conditionsEnd, Instant confirmationEnd) {
        Assertion a = build(Assertion.DEFAULT_ELEMENT_NAME);
        a.setID("_a1");
        a.setIssueInstant(Instant.now());
        a.setVersion(org.opensaml.saml.common.SAMLVersion.VERSION_20);
        Issuer issuer = build(Issuer.DEFAULT_ELEMENT_NAME);
        issuer.setValue(IDP);
        a.setIssuer(issuer);
        Subject subject = build(Subject.DEFAULT_ELEMENT_NAME);
        NameID nameId = build(NameID.DEFAULT_ELEMENT_NAME);
        nameId.setValue("someone");
        subject.setNameID(nameId);
        SubjectConfirmation confirmation = build(SubjectConfirmation.DEFAULT_ELEMENT_NAME);
        confirmation.setMethod(SubjectConfirmation.METHOD_BEARER);
        SubjectConfirmationData data = build(SubjectConfirmationData.DEFAULT_ELEMENT_NAME);
        data.setRecipient(recipient);
        data.setInResponseTo(inResponseTo);
        data.setNotOnOrAfter(confirmationEnd);
        confirmation.setSubjectConfirmationData(data);
        subject.getSubjectConfirmations().add(confirmation);
        a.setSubject(subject);
        Conditions conditions = build(Conditions.DEFAULT_ELEMENT_NAME);
        conditions.setNotBefore(Instant.now().minusSeconds(60));
        conditions.setNotOnOrAfter(conditionsEnd);
        AudienceRestriction restriction = build(AudienceRestriction.DEFAULT_ELEMENT_NAME);
        Audience aud = build(Audience.DEFAULT_ELEMENT_NAME);
        aud.setURI(audience);
        restriction.getAudiences().add(aud);
        conditions.getAudienceRestrictions().add(restriction);
        a.setConditions(conditions);
        return a;
    }

    static Assertion good() {
        Instant later = Instant.now().plusSeconds(300);
        return assertion(SP, ACS, REQUEST_ID, later, later);
    }

    Saml2ResponseValidatorResult check(Assertion assertion) {
        RelyingPartyRegistration registration = RelyingPartyRegistration.withRegistrationId("idp-test").entityId(SP)
                .assertionConsumerServiceLocation(ACS)
                .assertingPartyMetadata(p -> p.entityId(IDP).singleSignOnServiceLocation("https://idp.test/sso")).build();
        Saml2RedirectAuthenticationRequest request = Saml2RedirectAuthenticationRequest.withRelyingPartyRegistration(registration)
                .id(REQUEST_ID).samlRequest("x").authenticationRequestUri("https://idp.test/sso").build();
        return validator.convert(org.springframework.security.saml2.provider.service.authentication.AssertionTokens.of(assertion,
                new Saml2AuthenticationToken(registration, "<Response/>", request)));
    }

    @Test
    @DisplayName("R-RA-1: an assertion for our SP, our ACS and our request, within its time, is accepted")
    void accepted() {
        assertThat(check(good()).hasErrors()).isFalse();
    }

    @Test
    @DisplayName("R-RA-1: an assertion for another audience is refused")
    void wrongAudience() {
        Instant later = Instant.now().plusSeconds(300);
        Saml2ResponseValidatorResult result = check(assertion("https://other.test/sp", ACS, REQUEST_ID, later, later));
        assertThat(result.hasErrors()).isTrue();
        assertThat(result.getErrors().iterator().next().getDescription()).contains("refused");
    }

    @Test
    @DisplayName("R-RA-1: an assertion issued by another IdP than the one asked is refused")
    void wrongIssuer() {
        Assertion assertion = good();
        assertion.getIssuer().setValue("https://other-idp.test/idp/shibboleth");
        Saml2ResponseValidatorResult result = check(assertion);
        assertThat(result.hasErrors()).isTrue();
        assertThat(result.getErrors().iterator().next().getDescription()).contains("refused");
    }

    @Test
    @DisplayName("R-RA-1: an assertion addressed to another recipient (ACS) is refused")
    void wrongRecipient() {
        Instant later = Instant.now().plusSeconds(300);
        assertThat(check(assertion(SP, "https://evil.test/acs", REQUEST_ID, later, later)).hasErrors()).isTrue();
    }

    @Test
    @DisplayName("R-RA-1: an assertion answering another AuthnRequest (InResponseTo) is refused")
    void wrongInResponseTo() {
        Instant later = Instant.now().plusSeconds(300);
        assertThat(check(assertion(SP, ACS, "ARQ-other", later, later)).hasErrors()).isTrue();
    }

    @Test
    @DisplayName("R-RA-1: an unsolicited assertion (no InResponseTo) is refused")
    void unsolicited() {
        Instant later = Instant.now().plusSeconds(300);
        assertThat(check(assertion(SP, ACS, null, later, later)).hasErrors()).isTrue();
    }

    @Test
    @DisplayName("R-RA-1: an assertion whose conditions expired (beyond the clock skew) is refused")
    void expiredConditions() {
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        assertThat(check(assertion(SP, ACS, REQUEST_ID, past, Instant.now().plusSeconds(300))).hasErrors()).isTrue();
    }

    @Test
    @DisplayName("R-RA-1: an assertion whose subject confirmation expired is refused")
    void expiredConfirmation() {
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        assertThat(check(assertion(SP, ACS, REQUEST_ID, Instant.now().plusSeconds(300), past)).hasErrors()).isTrue();
    }
}
