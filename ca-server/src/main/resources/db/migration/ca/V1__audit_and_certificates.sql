-- Hash-chained audit trail (R-CA-7). Records are only ever inserted; the single head row names the newest one and
-- is updated in the same transaction, which serialises appenders and lets verification notice records removed
-- from the end.
CREATE TABLE ca_audit (
    seq        BIGINT        NOT NULL PRIMARY KEY,
    at_millis  BIGINT        NOT NULL,
    event_type VARCHAR(64)   NOT NULL,
    actor      VARCHAR(1024) NOT NULL,
    subject    VARCHAR(1024) NOT NULL,
    details    TEXT          NOT NULL,
    prev_hash  CHAR(64)      NOT NULL UNIQUE,
    hash       CHAR(64)      NOT NULL UNIQUE
);

CREATE TABLE ca_audit_head (
    id   INTEGER  NOT NULL PRIMARY KEY,
    seq  BIGINT   NOT NULL,
    hash CHAR(64) NOT NULL
);
INSERT INTO ca_audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Every serial the CA ever chose. A row is written as PENDING before the certificate is signed, so a serial is
-- never used twice (primary key) and a crash leaves a visible trace. active_hpci_id holds the HPCI-ID while a
-- client certificate is pending or valid, and NULL otherwise: its unique constraint is R-CA-4.
CREATE TABLE ca_certificate (
    serial            VARCHAR(64)   NOT NULL PRIMARY KEY,
    profile           VARCHAR(64)   NOT NULL,
    subject_dn        VARCHAR(1024) NOT NULL,
    hpci_id           VARCHAR(64),
    active_hpci_id    VARCHAR(64)   UNIQUE,
    status            VARCHAR(16)   NOT NULL,
    requested_at      BIGINT        NOT NULL,
    issued_at         BIGINT,
    not_before        BIGINT,
    not_after         BIGINT,
    certificate_der   BYTEA,
    revoked_at        BIGINT,
    revocation_reason INTEGER
);

CREATE INDEX ca_certificate_status ON ca_certificate (status);
CREATE INDEX ca_certificate_hpci ON ca_certificate (hpci_id);
