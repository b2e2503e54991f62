package org.gridauth.idp.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.gridauth.idp.protocol.OpenSaml;
import org.opensaml.core.xml.schema.XSString;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Attribute;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.support.SignatureValidator;

/** What an SP does with the IdP's answer: decode, check both signatures against the IdP's metadata key, read it. */
public final class SamlResponses {

    private SamlResponses() {
    }

    public static Response decode(String samlResponseField) {
        try {
            return (Response) OpenSaml.parse(Base64.getDecoder().decode(samlResponseField));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Throws unless Response and Assertion carry SAML-profile signatures that verify with the IdP certificate. */
    public static void verifySignatures(Response response, java.security.cert.X509Certificate idpCertificate) throws Exception {
        BasicX509Credential idp = new BasicX509Credential(idpCertificate);
        new SAMLSignatureProfileValidator().validate(response.getSignature());
        SignatureValidator.validate(response.getSignature(), idp);
        Assertion assertion = response.getAssertions().get(0);
        new SAMLSignatureProfileValidator().validate(assertion.getSignature());
        SignatureValidator.validate(assertion.getSignature(), idp);
    }

    /** Throws unless the Response carries a SAML-profile signature that verifies with the IdP certificate. */
    public static void verifyResponseSignature(Response response, java.security.cert.X509Certificate idpCertificate) throws Exception {
        new SAMLSignatureProfileValidator().validate(response.getSignature());
        SignatureValidator.validate(response.getSignature(), new BasicX509Credential(idpCertificate));
    }

    /** Attribute SAML Name to values. */
    public static Map<String, List<String>> attributes(Assertion assertion) {
        return assertion.getAttributeStatements().stream().flatMap(s -> s.getAttributes().stream())
                .collect(Collectors.toMap(Attribute::getName,
                        a -> a.getAttributeValues().stream().map(v -> ((XSString) v).getValue()).toList()));
    }

    public static String xml(String samlResponseField) {
        return new String(Base64.getDecoder().decode(samlResponseField), StandardCharsets.UTF_8);
    }
}
