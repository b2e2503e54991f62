package org.gridauth.certmanager.service;

import java.time.Clock;
import java.util.Locale;
import java.util.Set;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.certmanager.client.CaLinkClient;
import org.gridauth.certmanager.protocol.PortalMessages.MappingReply;
import org.gridauth.certmanager.protocol.PortalMessages.RevokeRequest;
import org.gridauth.certmanager.store.CredentialRecord;
import org.gridauth.certmanager.store.JdbcAuditLog;
import org.gridauth.certmanager.store.JdbcCredentialStore;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Revocation on the portal's request (the researcher's own, or the CA operators' through the admin console): the
 * CA revokes over the RA link, then the mapping is marked so that sites drop it at their next sync (R-RS-4).
 */
public final class RevocationService {

    private static final Set<String> REASONS = Set.of("unspecified", "keyCompromise", "affiliationChanged", "superseded",
            "cessationOfOperation", "privilegeWithdrawn");

    private final JdbcCredentialStore store;
    private final JdbcAuditLog audit;
    private final CaLinkClient ca;
    private final Clock clock;

    public RevocationService(JdbcCredentialStore store, JdbcAuditLog audit, CaLinkClient ca, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.ca = ca;
        this.clock = clock;
    }

    public MappingReply revoke(String caller, RevokeRequest r) {
        try {
            if (r.requestId() == null || !r.requestId().matches("[A-Za-z0-9_-]{8,100}")) {
                throw new GridAuthException(CertManagerError.REQUEST_INVALID, "requestId must be 8 to 100 letters, digits, '-' or '_'");
            }
            String reason = r.reason() == null ? "unspecified" : r.reason();
            if (!REASONS.contains(reason)) {
                throw new GridAuthException(CertManagerError.REQUEST_INVALID, "reason must be one of " + REASONS);
            }
            String serial = r.serial() == null ? "" : r.serial().toLowerCase(Locale.ROOT);
            CredentialRecord record = store.bySerial(serial).orElseThrow(() -> new GridAuthException(CertManagerError.NOT_FOUND, "certificate", serial));
            if (!record.hpciId().equals(r.hpciId())) {
                throw new GridAuthException(CertManagerError.NOT_YOUR_ACCOUNT, String.valueOf(r.hpciId()), record.hpciId());
            }
            ca.revoke("cm-" + r.requestId(), serial, reason);
            store.markRevoked(serial, clock.instant(), reason);
            audit.record(caller, "REVOKE", record.hpciId(), "OK", "serial " + serial + " (" + reason + ")");
            CredentialRecord after = store.bySerial(serial).orElseThrow();
            return Mappings.reply(after, store.account(after.hpciId()).orElseThrow(), clock.instant());
        } catch (GridAuthException e) {
            audit.record(caller, "REVOKE", String.valueOf(r.hpciId()), "REFUSED", e.getMessage());
            throw e;
        }
    }
}
