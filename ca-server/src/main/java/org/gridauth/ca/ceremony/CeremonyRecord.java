package org.gridauth.ca.ceremony;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import org.gridauth.ca.token.TokenIdentity;

/**
 * What the ceremony produced and recorded in the audit trail.
 *
 * @param time              when the key was generated
 * @param operators         who was present
 * @param token             the token holding the key
 * @param keyLabel          the key's label in the token
 * @param keyId             the key identifier (SHA-1 of the public key, as in the subjectKeyIdentifier)
 * @param certificate       the self-signed root, or (CSR mode) the placeholder stored next to the key until the
 *                          external root's certificate is imported
 * @param certificateSha256 SHA-256 fingerprint of that certificate
 * @param certificateSha1   SHA-1 fingerprint of that certificate (IGTF .info files quote it)
 * @param publicKeySha256   SHA-256 of the DER SubjectPublicKeyInfo, stable across re-certification
 * @param csrDer            the PKCS#10 request for an external root, or null for a self-signed root
 * @param auditSequence     the audit record's sequence number
 */
public record CeremonyRecord(Instant time, List<String> operators, TokenIdentity token, String keyLabel, String keyId,
                             X509Certificate certificate, String certificateSha256, String certificateSha1, String publicKeySha256,
                             byte[] csrDer, long auditSequence) {

    public boolean selfSigned() {
        return csrDer == null;
    }
}
