package org.gridauth.idp.protocol;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.saml.saml2.common.TimeBoundSAMLObject;
import org.opensaml.saml.saml2.common.CacheableSAMLObject;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.support.SignatureException;
import org.opensaml.xmlsec.signature.support.SignatureValidator;

/**
 * Checks a federation metadata document before it is used (R-IDP-4): the root element must carry a SAML-profile
 * XML signature (the Reference is the root itself, so nothing unsigned can be wrapped in) that verifies with the
 * federation's configured certificate, and its validUntil must not have passed.
 *
 * @param validUntil    the document's validUntil, or null
 * @param cacheDuration its cacheDuration, or null
 */
public record SignedMetadata(byte[] xml, Instant validUntil, Duration cacheDuration) {

    public static SignedMetadata verify(byte[] xml, X509Certificate federationCertificate, Instant now, String source) {
        XMLObject root;
        try {
            root = OpenSaml.parse(xml);
        } catch (Exception e) {
            throw new GridAuthException(IdpError.METADATA_REJECTED, e, source, "not well-formed SAML metadata");
        }
        if (!(root instanceof SignableSAMLObject signable) || signable.getSignature() == null) {
            throw new GridAuthException(IdpError.METADATA_REJECTED, source, "the document is not signed");
        }
        try {
            new SAMLSignatureProfileValidator().validate(signable.getSignature());
            SignatureValidator.validate(signable.getSignature(), new BasicX509Credential(federationCertificate));
        } catch (SignatureException | IllegalArgumentException e) {
            // IllegalArgumentException: Santuario's for a SignatureValue that is not base64 (as AuthnRequestFuzzTest found)
            throw new GridAuthException(IdpError.METADATA_REJECTED, source, "the signature does not verify with the federation certificate");
        }
        Instant validUntil = root instanceof TimeBoundSAMLObject bound ? bound.getValidUntil() : null;
        if (validUntil != null && !validUntil.isAfter(now)) {
            throw new GridAuthException(IdpError.METADATA_REJECTED, source, "validUntil " + validUntil + " has passed");
        }
        Duration cacheDuration = root instanceof CacheableSAMLObject cacheable ? cacheable.getCacheDuration() : null;
        return new SignedMetadata(xml.clone(), validUntil, cacheDuration);
    }
}
