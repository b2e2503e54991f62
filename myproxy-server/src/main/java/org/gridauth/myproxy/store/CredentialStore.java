package org.gridauth.myproxy.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where MyProxy keeps credentials. Implementations are safe for concurrent use and for several servers sharing one database. */
public interface CredentialStore {

    /** Inserts or replaces the credential with the same (username, name). */
    void put(StoredCredential credential);

    Optional<StoredCredential> find(String username, String name);

    /** All credentials of a user, the default one (empty name) first. */
    List<StoredCredential> findAll(String username);

    /** Removes one credential; true when it existed. */
    boolean delete(String username, String name);

    /** Replaces the sealed key (passphrase change) only if the credential still exists. */
    boolean replaceKey(String username, String name, byte[] sealedKey);

    /** The wrong-passphrase state of a user name (shared by all its credentials and all servers on the database). */
    Lockout lockout(String username);

    /**
     * Counts one wrong passphrase for a user name; locks it until {@code lockUntil} when the count reaches
     * {@code threshold}. Returns the new state.
     */
    Lockout recordFailure(String username, int threshold, Instant lockUntil);

    /** Clears the wrong-passphrase count after a success. */
    void recordSuccess(String username);

    /**
     * Consecutive wrong passphrases of one user name and the instant before which it accepts none.
     *
     * @param failedAttempts consecutive wrong passphrases
     * @param lockedUntil    no passphrase is tried before this instant
     */
    record Lockout(int failedAttempts, Instant lockedUntil) {
        public static final Lockout NONE = new Lockout(0, Instant.EPOCH);

        public boolean lockedAt(Instant now) {
            return lockedUntil.isAfter(now);
        }
    }

    /** Removes credentials that expired before the given instant; returns how many. */
    int purgeExpired(Instant before);
}
