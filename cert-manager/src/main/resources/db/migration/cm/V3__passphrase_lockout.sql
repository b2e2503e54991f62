-- Wrong key passphrases per researcher (R-CM-2): after max_failures within the window the account refuses every
-- passphrase until locked_until, so a stolen portal session cannot guess a passphrase at the speed of the CPU.
-- Shared by every certificate manager on the same database.
CREATE TABLE cm_passphrase_failure (
    hpci_id        VARCHAR(64) NOT NULL PRIMARY KEY,
    failures       INTEGER     NOT NULL,
    first_failure  BIGINT      NOT NULL,
    locked_until   BIGINT      NOT NULL
);
