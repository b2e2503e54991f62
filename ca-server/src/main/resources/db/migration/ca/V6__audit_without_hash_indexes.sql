-- The audit trail without the UNIQUE indexes on prev_hash and hash. They guarded against a fork of the chain (two
-- records following the same one), which cannot happen: every append first updates the head row, which locks it
-- until commit, so appenders on any connection or CA process run one after the other, each reading the head the
-- previous one committed (JdbcAuditTrail.append, AuditTrailTest); the primary key on seq keeps sequence numbers
-- unique, and a record's hash covers its sequence number. Verification checks every link as before. The two
-- indexes cost two rewritten pages of a B-tree with random 64-character keys per record, a large part of an
-- issuance's database time. The table is rebuilt because H2 names the unnamed constraints of V1 itself; the head
-- row is locked first, as an append would, so that (on PostgreSQL, where this runs in one transaction) no record
-- another CA process appends meanwhile can be left out of the copy.
UPDATE ca_audit_head SET seq = seq WHERE id = 1;
CREATE TABLE ca_audit_v6 (
    seq        BIGINT        NOT NULL PRIMARY KEY,
    at_millis  BIGINT        NOT NULL,
    event_type VARCHAR(64)   NOT NULL,
    actor      VARCHAR(1024) NOT NULL,
    subject    VARCHAR(1024) NOT NULL,
    details    TEXT          NOT NULL,
    prev_hash  CHAR(64)      NOT NULL,
    hash       CHAR(64)      NOT NULL
);
INSERT INTO ca_audit_v6 (seq, at_millis, event_type, actor, subject, details, prev_hash, hash)
    SELECT seq, at_millis, event_type, actor, subject, details, prev_hash, hash FROM ca_audit;
DROP TABLE ca_audit;
ALTER TABLE ca_audit_v6 RENAME TO ca_audit;
