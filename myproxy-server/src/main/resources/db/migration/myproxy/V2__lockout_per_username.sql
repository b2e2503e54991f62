-- Wrong-passphrase lockout is per user name (all of a user's credentials, all servers sharing the database), not per
-- credential: guessing across credential names must not multiply the attempts an attacker gets.
CREATE TABLE mp_lockout (
    username         VARCHAR(256) NOT NULL PRIMARY KEY,
    failed_attempts  INTEGER      NOT NULL,
    locked_until     BIGINT       NOT NULL
);

ALTER TABLE mp_credential DROP COLUMN failed_attempts;
ALTER TABLE mp_credential DROP COLUMN locked_until;
