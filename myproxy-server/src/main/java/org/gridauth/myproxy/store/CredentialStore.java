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

    /** Counts one wrong passphrase; locks the credential until {@code lockUntil} when the count reaches {@code threshold}. */
    void recordFailure(String username, String name, int threshold, Instant lockUntil);

    /** Clears the wrong-passphrase count after a success. */
    void recordSuccess(String username, String name);

    /** Removes credentials that expired before the given instant; returns how many. */
    int purgeExpired(Instant before);
}
