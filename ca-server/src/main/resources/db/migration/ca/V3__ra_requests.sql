-- Idempotency of the RA link: one row per request ID. A retried request with the same ID and content gets the
-- stored answer instead of being carried out again.
CREATE TABLE ca_ra_request (
    request_id     VARCHAR(128) NOT NULL PRIMARY KEY,
    ra_dn          VARCHAR(1024) NOT NULL,
    operation      VARCHAR(16)  NOT NULL,
    request_sha256 CHAR(64)     NOT NULL,
    state          VARCHAR(16)  NOT NULL,
    http_status    INTEGER,
    response_body  TEXT,
    created_at     BIGINT       NOT NULL
);
