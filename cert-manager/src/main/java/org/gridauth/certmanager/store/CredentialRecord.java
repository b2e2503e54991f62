package org.gridauth.certmanager.store;

import java.time.Instant;

/**
 * One client certificate and what became of its key: a row of the mapping database (R-CM-3).
 *
 * @param encryptedKey the PKCS#8 key encrypted under the researcher's passphrase (PEM), only while kept here
 */
public record CredentialRecord(String serial, String hpciId, String subjectDn, String commonName, String certificatePem, String encryptedKey,
                               Location location, String myproxyUsername, CredentialStatus status, Instant notBefore, Instant notAfter,
                               Instant issuedAt, Instant revokedAt, String revocationReason, long changeSeq) {

    public boolean usableAt(Instant now) {
        return status == CredentialStatus.VALID && !now.isBefore(notBefore) && now.isBefore(notAfter);
    }

    @Override
    public String toString() {
        return "CredentialRecord[" + serial + " " + subjectDn + " " + status + " " + location + "]";
    }
}
