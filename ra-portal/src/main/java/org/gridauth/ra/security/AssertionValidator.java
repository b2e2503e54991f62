package org.gridauth.ra.security;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.namespace.QName;

import org.opensaml.saml.common.assertion.AssertionValidationException;
import org.opensaml.saml.common.assertion.ValidationContext;
import org.opensaml.saml.common.assertion.ValidationResult;
import org.opensaml.saml.saml2.assertion.ConditionValidator;
import org.opensaml.saml.saml2.assertion.SAML20AssertionValidator;
import org.opensaml.saml.saml2.assertion.SAML2AssertionValidationParameters;
import org.opensaml.saml.saml2.assertion.impl.AudienceRestrictionConditionValidator;
import org.opensaml.saml.saml2.assertion.impl.BearerSubjectConfirmationValidator;
import org.opensaml.saml.saml2.assertion.impl.DelegationRestrictionConditionValidator;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Condition;
import org.opensaml.saml.saml2.core.OneTimeUse;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.saml2.core.Saml2Error;
import org.springframework.security.saml2.core.Saml2ErrorCodes;
import org.springframework.security.saml2.core.Saml2ResponseValidatorResult;
import org.springframework.security.saml2.provider.service.authentication.AbstractSaml2AuthenticationRequest;
import org.springframework.security.saml2.provider.service.authentication.OpenSaml4AuthenticationProvider.AssertionToken;
import org.springframework.security.saml2.provider.service.registration.RelyingPartyRegistration;

/**
 * The assertion checks Spring Security's default validator makes, built on the five-argument
 * {@link SAML20AssertionValidator} constructor OpenSAML 4.0.1 has: Spring 6.5 calls a six-argument one that only
 * exists in OpenSAML 4.1+, which fails with NoSuchMethodError at the first sign-on (../shared/notes/saml.md).
 *
 * <p>Checked here: issuer (the IdP of the registration), audience (our entityID), bearer subject confirmation with
 * recipient (our ACS), InResponseTo (the AuthnRequest we sent), NotBefore/NotOnOrAfter of the confirmation and of the
 * conditions with the clock skew.
 * The signature is verified before this runs by Spring's own signature validator (OpenSamlOperations against the
 * IdP's metadata keys), which does not use this constructor; so signature checking is switched off here only.
 */
public final class AssertionValidator implements Converter<AssertionToken, Saml2ResponseValidatorResult> {

    private final Duration clockSkew;
    private final SAML20AssertionValidator validator;

    public AssertionValidator(Duration clockSkew) {
        this.clockSkew = clockSkew;
        ConditionValidator oneTimeUse = new ConditionValidator() {
            @Override
            public QName getServicedCondition() {
                return OneTimeUse.DEFAULT_ELEMENT_NAME;
            }

            @Override
            public ValidationResult validate(Condition condition, Assertion assertion, ValidationContext context) {
                // Replay is prevented by InResponseTo: each AuthnRequest is answered once.
                return ValidationResult.VALID;
            }
        };
        BearerSubjectConfirmationValidator bearer = new BearerSubjectConfirmationValidator() {
            @Override
            protected ValidationResult validateAddress(SubjectConfirmation confirmation, Assertion assertion, ValidationContext context,
                                                       boolean required) {
                // Browsers behind NAT and proxies: the client address is not checked (Spring's default does the same).
                return ValidationResult.VALID;
            }
        };
        this.validator = new SAML20AssertionValidator(List.of(new AudienceRestrictionConditionValidator(), new DelegationRestrictionConditionValidator(),
                oneTimeUse), List.of(bearer), List.of(), null, null) {
            @Override
            protected ValidationResult validateSignature(Assertion token, ValidationContext context) {
                return ValidationResult.VALID;
            }
        };
    }

    @Override
    public Saml2ResponseValidatorResult convert(AssertionToken token) {
        Assertion assertion = token.getAssertion();
        RelyingPartyRegistration registration = token.getToken().getRelyingPartyRegistration();
        AbstractSaml2AuthenticationRequest request = token.getToken().getAuthenticationRequest();
        Map<String, Object> params = new HashMap<>();
        params.put(SAML2AssertionValidationParameters.CLOCK_SKEW, clockSkew);
        params.put(SAML2AssertionValidationParameters.COND_VALID_AUDIENCES, Set.of(registration.getEntityId()));
        params.put(SAML2AssertionValidationParameters.SC_VALID_RECIPIENTS, Set.of(registration.getAssertionConsumerServiceLocation()));
        // The assertion's own Issuer must be the IdP we asked (Spring checks only the Response's). Without this
        // parameter OpenSAML also skips the check with a warning at every sign-on (spring-security#10263).
        params.put(SAML2AssertionValidationParameters.VALID_ISSUERS, Set.of(registration.getAssertingPartyMetadata().getEntityId()));
        params.put(SAML2AssertionValidationParameters.SIGNATURE_REQUIRED, false);
        params.put(SAML2AssertionValidationParameters.SC_CHECK_ADDRESS, false);
        if (request != null && request.getId() != null) {
            params.put(SAML2AssertionValidationParameters.SC_VALID_IN_RESPONSE_TO, request.getId());
        }
        // Unsolicited responses are refused: an InResponseTo naming our request is required.
        params.put(SAML2AssertionValidationParameters.SC_IN_RESPONSE_TO_REQUIRED, true);
        params.put(SAML2AssertionValidationParameters.SC_RECIPIENT_REQUIRED, true);
        params.put(SAML2AssertionValidationParameters.SC_NOT_ON_OR_AFTER_REQUIRED, true);
        ValidationContext context = new ValidationContext(params);
        try {
            ValidationResult result = validator.validate(assertion, context);
            if (result == ValidationResult.VALID) {
                return Saml2ResponseValidatorResult.success();
            }
        } catch (AssertionValidationException e) {
            return Saml2ResponseValidatorResult.failure(new Saml2Error(Saml2ErrorCodes.INVALID_ASSERTION, "assertion " + assertion.getID()
                    + " could not be checked: " + e.getMessage()));
        }
        String message = context.getValidationFailureMessage();
        return Saml2ResponseValidatorResult.failure(new Saml2Error(Saml2ErrorCodes.INVALID_ASSERTION, "assertion " + assertion.getID() + " is refused: "
                + (message == null ? "validation failed" : message)));
    }
}
