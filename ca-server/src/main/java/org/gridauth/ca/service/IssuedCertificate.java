package org.gridauth.ca.service;

import java.security.cert.X509Certificate;

/**
 * A certificate the CA issued and recorded.
 *
 * @param certificate   the certificate
 * @param auditSequence the audit record of its issuance
 */
public record IssuedCertificate(X509Certificate certificate, long auditSequence) {
}
