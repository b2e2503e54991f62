package org.gridauth.idp.protocol;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Map;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.opensaml.saml.saml2.core.AuthnRequest;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.SignatureException;
import org.opensaml.xmlsec.signature.support.SignatureValidator;

/**
 * Verifies an AuthnRequest's signature against the SP's metadata keys: the detached query signature of
 * HTTP-Redirect, or the enveloped XML signature of HTTP-POST. The XML case first applies the SAML signature
 * profile (one Reference, to the root element's own ID, only the enveloped and exclusive-c14n transforms), which is
 * what defeats signature-wrapping: a valid signature over some other element never vouches for the request.
 * A request from an SP whose metadata says AuthnRequestsSigned must carry a valid signature.
 */
public final class RequestSignatures {

    private static final Map<String, String> QUERY_ALGORITHMS = Map.of(
            SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256, "SHA256withRSA",
            SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA384, "SHA384withRSA",
            SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA512, "SHA512withRSA",
            SignatureConstants.ALGO_ID_SIGNATURE_ECDSA_SHA256, "SHA256withECDSA");

    private RequestSignatures() {
    }

    /** Returns whether the request was validly signed; throws when it is required and missing, or present and bad. */
    public static boolean check(InboundRequest inbound, ServiceProvider sp) {
        AuthnRequest request = inbound.request();
        boolean signed;
        if (inbound.redirectSignature() != null) {
            if (request.getSignature() != null) {
                throw new GridAuthException(IdpError.BAD_SIGNATURE, sp.entityId(), "an HTTP-Redirect request must not also carry an XML signature");
            }
            verifyQuery(inbound.redirectSignature(), sp);
            signed = true;
        } else if (request.getSignature() != null) {
            verifyXml(request, sp);
            signed = true;
        } else {
            signed = false;
        }
        if (!signed && sp.signsRequests()) {
            throw new GridAuthException(IdpError.SIGNATURE_REQUIRED, sp.entityId());
        }
        return signed;
    }

    /** Verifies an HTTP-Redirect query signature (logout messages must carry one); throws GA-IDP-005/006. */
    public static void requireRedirectSignature(InboundRequest.RedirectSignature signature, ServiceProvider sp) {
        if (signature == null) {
            throw new GridAuthException(IdpError.SIGNATURE_REQUIRED, sp.entityId());
        }
        verifyQuery(signature, sp);
    }

    private static void verifyQuery(InboundRequest.RedirectSignature signature, ServiceProvider sp) {
        String jca = QUERY_ALGORITHMS.get(signature.algorithm());
        if (jca == null) {
            throw new GridAuthException(IdpError.BAD_SIGNATURE, sp.entityId(), "algorithm " + signature.algorithm() + " is not accepted");
        }
        if (sp.signingKeys().isEmpty()) {
            throw new GridAuthException(IdpError.BAD_SIGNATURE, sp.entityId(), "the metadata has no signing key");
        }
        for (X509Certificate key : sp.signingKeys()) {
            try {
                Signature verifier = Signature.getInstance(jca);
                verifier.initVerify(key.getPublicKey());
                verifier.update(signature.signedContent());
                if (verifier.verify(signature.signature())) {
                    return;
                }
            } catch (GeneralSecurityException e) {
                // wrong key type or malformed signature: try the next key, refuse below
            }
        }
        throw new GridAuthException(IdpError.BAD_SIGNATURE, sp.entityId(), "the query signature does not verify with the metadata keys");
    }

    /** Verifies the enveloped XML signature of an HTTP-POST message (logout messages must carry one); throws GA-IDP-005/006. */
    public static void requireXmlSignature(org.opensaml.saml.common.SignableSAMLObject message, ServiceProvider sp) {
        if (message.getSignature() == null) {
            throw new GridAuthException(IdpError.SIGNATURE_REQUIRED, sp.entityId());
        }
        verifyXml(message, sp);
    }

    private static void verifyXml(org.opensaml.saml.common.SignableSAMLObject request, ServiceProvider sp) {
        try {
            new SAMLSignatureProfileValidator().validate(request.getSignature());
        } catch (SignatureException e) {
            throw new GridAuthException(IdpError.BAD_SIGNATURE, sp.entityId(), "not a SAML profile signature: " + e.getMessage());
        }
        if (!SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256.equals(request.getSignature().getSignatureAlgorithm())
                && !SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA512.equals(request.getSignature().getSignatureAlgorithm())
                && !SignatureConstants.ALGO_ID_SIGNATURE_ECDSA_SHA256.equals(request.getSignature().getSignatureAlgorithm())) {
            throw new GridAuthException(IdpError.BAD_SIGNATURE, sp.entityId(), "algorithm " + request.getSignature().getSignatureAlgorithm() + " is not accepted");
        }
        if (sp.signingKeys().isEmpty()) {
            throw new GridAuthException(IdpError.BAD_SIGNATURE, sp.entityId(), "the metadata has no signing key");
        }
        for (X509Certificate key : sp.signingKeys()) {
            try {
                SignatureValidator.validate(request.getSignature(), new BasicX509Credential(key));
                return;
            } catch (SignatureException | IllegalArgumentException e) {
                // try the next key; Santuario throws IllegalArgumentException for a SignatureValue that is not
                // base64 (found by AuthnRequestFuzzTest)
            }
        }
        throw new GridAuthException(IdpError.BAD_SIGNATURE, sp.entityId(), "the XML signature does not verify with the metadata keys");
    }
}
