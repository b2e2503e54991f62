package org.gridauth.ra.security;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * The portal's SAML SP metadata: one ACS (the registration is found from the response's Issuer), the discovery
 * response endpoint the discovery service sends users back to, and the signing key. The key is declared for
 * signing only, so IdPs sign but do not encrypt (the channel is HTTPS end to end).
 */
public final class SpMetadata {

    public static final String ACS_PATH = "/login/saml2/sso";
    public static final String DS_RETURN_PATH = "/login/ds";

    private SpMetadata() {
    }

    public static String xml(String entityId, String baseUrl, X509Certificate signing) {
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
