-- MyProxy repository: one row per (username, credential name). Private keys are stored only encrypted with the
-- credential passphrase (see KeyEncryption); the certificate chain is public data.
CREATE TABLE mp_credential (
    username            VARCHAR(256)  NOT NULL,
    cred_name           VARCHAR(256)  NOT NULL,
    owner_dn            VARCHAR(1024) NOT NULL,
    kind                VARCHAR(16)   NOT NULL,
    description         VARCHAR(1024),
    retrievers          VARCHAR(1024),
    renewers            VARCHAR(1024),
    key_retrievers      VARCHAR(1024),
    trusted_retrievers  VARCHAR(1024),
    chain_pem           TEXT          NOT NULL,
    encrypted_key       BYTEA         NOT NULL,
    start_time          BIGINT        NOT NULL,
    end_time            BIGINT        NOT NULL,
    failed_attempts     INTEGER       NOT NULL DEFAULT 0,
    locked_until        BIGINT        NOT NULL DEFAULT 0,
    created_at          BIGINT        NOT NULL,
    PRIMARY KEY (username, cred_name)
);

CREATE INDEX mp_credential_end_time ON mp_credential (end_time);
