-- The RA request (idempotency key) a certificate was issued for, so that a retried request finds its certificate
-- even when its answer was never stored. Unique: one live (pending, valid or revoked) certificate per request ID;
-- an abandoned reservation gives the ID back (NULL), as it gives back its HPCI-ID.
ALTER TABLE ca_certificate ADD COLUMN ra_request_id VARCHAR(128);
CREATE UNIQUE INDEX ca_certificate_request ON ca_certificate (ra_request_id);

-- CRLs are published as files (crl.der, crl.pem, <hash>.r0), which are the artefact; the database keeps the
-- number (unique, only growing), the dates, the entry count and the SHA-256 of the DER, not the blob.
ALTER TABLE ca_crl ALTER COLUMN crl_der DROP NOT NULL;
ALTER TABLE ca_crl ADD COLUMN crl_sha256 CHAR(64);
