package org.gridauth.ca.audit;

import java.time.Instant;

/**
 * Which audit records a reader wants, newest first (the RA link's {@code GET /v1/audit}). Every criterion is
 * optional (null: any); the protocol package validates them, the store only applies them.
 *
 * @param from   earliest record time, inclusive
 * @param to     latest record time, exclusive
 * @param action the event type exactly, e.g. {@code ISSUE}, {@code REVOKE}
 * @param actor  text the actor contains (an operator name, an RA's DN), ignoring case
 * @param text   text the subject or the details contain (a DN, a serial number), ignoring case
 * @param before only records with a lower sequence number: the cursor of the next page
 * @param limit  most records to return
 */
public record AuditFilter(Instant from, Instant to, String action, String actor, String text, Long before, int limit) {

    public AuditFilter {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
    }
}
