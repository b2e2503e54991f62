package org.gridauth.idp.protocol;

import org.opensaml.saml.saml2.core.AuthnRequest;

/**
 * An AuthnRequest as it arrived, before any policy check.
 *
 * @param request           the parsed request
 * @param relayState        the RelayState to hand back unchanged, or null
 * @param binding           the SAML binding URI it came over
 * @param redirectSignature the detached HTTP-Redirect signature, or null
 */
public record InboundRequest(AuthnRequest request, String relayState, String binding, RedirectSignature redirectSignature) {

    /**
     * A query-string signature of the HTTP-Redirect binding (SAML bindings 3.4.4.1).
     *
     * @param algorithm     SigAlg URI
     * @param signature     the signature bytes
     * @param signedContent the octets that were signed: {@code SAMLRequest=..&RelayState=..&SigAlg=..} as sent
     */
    public record RedirectSignature(String algorithm, byte[] signature, byte[] signedContent) {
    }
}
