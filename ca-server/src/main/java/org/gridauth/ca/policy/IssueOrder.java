package org.gridauth.ca.policy;

/**
 * An issuance request as the RA sends it.
 *
 * @param requester    who asks (the RA certificate's DN, or an operator); goes into the audit trail
 * @param profile      profile name: client, host, service or another configured one
 * @param csr          the PKCS#10 request, PEM or DER
 * @param hpciId       the holder's HPCI-ID for client certificates, else null
 * @param lifetimeDays requested lifetime in days, or null for the profile's validity
 * @param replaces     for a renewal, the serial of the valid certificate the new one supersedes (revoked with
 *                     reason superseded when the new one is recorded), else null
 * @param requestId    the RA link's request ID (idempotency key) the certificate is issued for, else null
 */
public record IssueOrder(String requester, String profile, byte[] csr, String hpciId, Integer lifetimeDays, java.math.BigInteger replaces,
                         String requestId) {

    public IssueOrder {
        csr = csr == null ? new byte[0] : csr.clone();
    }

    /** An issuance not tied to an RA request ID (operator command line). */
    public IssueOrder(String requester, String profile, byte[] csr, String hpciId, Integer lifetimeDays, java.math.BigInteger replaces) {
        this(requester, profile, csr, hpciId, lifetimeDays, replaces, null);
    }

    /** A first issuance (no certificate replaced). */
    public IssueOrder(String requester, String profile, byte[] csr, String hpciId, Integer lifetimeDays) {
        this(requester, profile, csr, hpciId, lifetimeDays, null);
    }

    @Override
    public byte[] csr() {
        return csr.clone();
    }
}
