-- Checkpoints of the audit trail signed with the CA key: (sequence, hash) of the newest record at that moment.
-- Someone who can write the database can recompute a hash chain, but cannot sign a checkpoint.
CREATE TABLE ca_audit_checkpoint (
    seq        BIGINT      NOT NULL PRIMARY KEY,
    hash       CHAR(64)    NOT NULL,
    at_millis  BIGINT      NOT NULL,
    algorithm  VARCHAR(64) NOT NULL,
    signature  BYTEA       NOT NULL
);
