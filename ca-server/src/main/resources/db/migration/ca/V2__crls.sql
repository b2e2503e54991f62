-- Every CRL the CA signed. The primary key keeps CRL numbers unique; numbers only grow (RFC 5280 5.2.3).
CREATE TABLE ca_crl (
    crl_number    BIGINT  NOT NULL PRIMARY KEY,
    this_update   BIGINT  NOT NULL,
    next_update   BIGINT  NOT NULL,
    revoked_count INTEGER NOT NULL,
    crl_der       BYTEA   NOT NULL
);
