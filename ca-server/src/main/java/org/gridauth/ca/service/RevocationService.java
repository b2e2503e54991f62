package org.gridauth.ca.service;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;

import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.audit.AuditTrail;
import org.gridauth.ca.policy.RevocationReason;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.gsi.error.GridAuthException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revocation on request of the holder, a CA operator or the HPCI office (R-CA-8): the certificate is marked
 * revoked with its reason and an audit record in one transaction, then (if the schedule says so) a new CRL is
 * published at once. Refusals are audited too.
 */
public final class RevocationService {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationService.class);

    private final JdbcCertificateStore certificates;
    private final CrlService crls;
    private final AuditTrail audit;
    private final Clock clock;

    public RevocationService(JdbcCertificateStore certificates, CrlService crls, AuditTrail audit, Clock clock) {
        this.certificates = certificates;
        this.crls = crls;
        this.audit = audit;
        this.clock = clock;
    }

    public AuditRecord revoke(String requester, BigInteger serial, RevocationReason reason, String note) {
        String hex = JdbcCertificateStore.hex(serial);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("serial", hex);
        details.put("reason", reason.rfcName());
        if (note != null && !note.isBlank()) {
            details.put("note", note);
        }
        AuditRecord record;
        try {
            record = certificates.revoke(serial, reason.code(), clock.instant(), new AuditEvent("REVOKE", requester, "serial " + hex, details));
        } catch (GridAuthException e) {
            details.put("code", e.code().code());
            try {
                audit.append(new AuditEvent("REVOKE_REFUSED", requester, "serial " + hex, details));
            } catch (GridAuthException ignored) {
                // database down: the caller still gets the original error
            }
            throw e;
        }
        if (crls.schedule().onRevocation()) {
            try {
                crls.issueNow(requester, "revocation of serial " + hex);
            } catch (GridAuthException e) {
                // The revocation stands; the CA's hourly ensureFresh() publishes the CRL once the HSM or database is back.
                LOG.error("serial {} is revoked but the new CRL could not be made yet: {}", hex, e.getMessage());
            }
        }
        return record;
    }
}
