package org.gridauth.ca.store;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * One serial the CA chose, and what became of it.
 *
 * @param serial           the serial number
 * @param profile          the profile it was requested under
 * @param subject          subject DN in OpenSSL slash form
 * @param hpciId           the HPCI-ID of a client certificate, else null
 * @param status           pending, valid, revoked or abandoned
 * @param requestedAt      when the serial was reserved
 * @param certificate      the issued certificate, null while pending or when abandoned
 * @param revokedAt        revocation time, or null
 * @param revocationReason RFC 5280 reason code, or null
 */
public record CertificateRecord(BigInteger serial, String profile, String subject, String hpciId, CertificateStatus status,
                                Instant requestedAt, X509Certificate certificate, Instant revokedAt, Integer revocationReason) {
}
