package org.gridauth.ca.audit;

/** The CA's append-only, hash-chained audit trail (R-CA-7). */
public interface AuditTrail {

    AuditRecord append(AuditEvent event);

    /** Reads the whole trail and checks every link. */
    AuditVerification verify();

    /** The records matching {@code filter}, newest first, for readers of the trail (the RA console). */
    AuditPage search(AuditFilter filter);
}
