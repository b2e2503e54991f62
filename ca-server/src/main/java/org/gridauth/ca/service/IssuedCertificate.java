package org.gridauth.ca.service;

import java.security.cert.X509Certificate;

import org.gridauth.gsi.profile.SignedCertificate;

/**
 * A certificate the CA issued and recorded.
 *
 * @param signed        the certificate as the maker encoded it (DER, serial, subject, validity)
 * @param auditSequence the audit record of its issuance
 */
public record IssuedCertificate(SignedCertificate signed, long auditSequence) {

    /** The certificate parsed (the RA link answers from {@link #signed} and never needs this). */
    public X509Certificate certificate() {
        return signed.toX509Certificate();
    }
}
