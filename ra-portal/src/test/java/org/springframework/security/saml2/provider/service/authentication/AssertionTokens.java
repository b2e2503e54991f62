package org.springframework.security.saml2.provider.service.authentication;

import org.opensaml.saml.saml2.core.Assertion;

/** Test access to Spring's package-private AssertionToken constructor, to feed the portal's assertion validator directly. */
public final class AssertionTokens {

    private AssertionTokens() {
    }

    public static OpenSaml4AuthenticationProvider.AssertionToken of(Assertion assertion, Saml2AuthenticationToken token) {
        return new OpenSaml4AuthenticationProvider.AssertionToken(assertion, token);
    }
}
