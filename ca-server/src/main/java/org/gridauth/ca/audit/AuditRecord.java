package org.gridauth.ca.audit;

import java.time.Instant;

/**
 * One record of the hash-chained audit trail.
 *
 * @param sequence     position in the trail, from 1 without gaps
 * @param time         when it was recorded
 * @param type         event type
 * @param actor        who asked
 * @param subject      what it concerns
 * @param details      the event's details as one line
 * @param previousHash hash of the record before (64 zeros for the first)
 * @param hash         SHA-256 over the previous hash and this record's fields (see {@link AuditHashes})
 */
public record AuditRecord(long sequence, Instant time, String type, String actor, String subject, String details,
                          String previousHash, String hash) {
}
