package org.gridauth.certmanager.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Locks an account's stored key after repeated wrong passphrases (as MyProxy's lockout does): {@code maxFailures}
 * within {@code window} lock it for {@code lock}. The state is in the database, so all certificate managers on it
 * count together.
 */
public final class JdbcPassphraseGuard {

    private final CmDatabase database;
    private final Clock clock;
    private final int maxFailures;
    private final Duration window;
    private final Duration lock;

    public JdbcPassphraseGuard(CmDatabase database, Clock clock, int maxFailures, Duration window, Duration lock) {
        this.database = database;
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.window = window;
        this.lock = lock;
    }

    public static JdbcPassphraseGuard defaults(CmDatabase database, Clock clock) {
        return new JdbcPassphraseGuard(database, clock, 5, Duration.ofMinutes(15), Duration.ofMinutes(15));
    }

    /** Refuses with GA-CM-025 while the account is locked. */
    public void checkNotLocked(String hpciId) {
        long until = database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT locked_until FROM cm_passphrase_failure WHERE hpci_id = ?")) {
                s.setString(1, hpciId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
        if (until > clock.millis()) {
            throw new GridAuthException(CertManagerError.PASSPHRASE_LOCKED, hpciId, Instant.ofEpochMilli(until));
        }
    }

    /** Counts a wrong passphrase; returns whether the account is now locked. */
    public boolean failed(String hpciId) {
        long now = clock.millis();
        return database.inTransaction(c -> {
            int failures;
            long first;
            try (PreparedStatement s = c.prepareStatement("SELECT failures, first_failure FROM cm_passphrase_failure WHERE hpci_id = ? FOR UPDATE")) {
                s.setString(1, hpciId);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        failures = rs.getInt(1);
                        first = rs.getLong(2);
                    } else {
                        insert(c, hpciId, now);
                        return maxFailures <= 1 && lock(c, hpciId, now);
                    }
                }
            }
            if (now - first > window.toMillis()) {
                failures = 0;
                first = now;
            }
            failures++;
            long until = failures >= maxFailures ? now + lock.toMillis() : 0;
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE cm_passphrase_failure SET failures = ?, first_failure = ?, locked_until = ? WHERE hpci_id = ?")) {
                s.setInt(1, failures >= maxFailures ? 0 : failures);
                s.setLong(2, first);
                s.setLong(3, until);
                s.setString(4, hpciId);
                s.executeUpdate();
            }
            return until > 0;
        });
    }

    public void succeeded(String hpciId) {
        database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM cm_passphrase_failure WHERE hpci_id = ?")) {
                s.setString(1, hpciId);
                return s.executeUpdate();
            }
        });
    }

    private static void insert(Connection c, String hpciId, long now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO cm_passphrase_failure (hpci_id, failures, first_failure, locked_until) VALUES (?, 1, ?, 0)")) {
            s.setString(1, hpciId);
            s.setLong(2, now);
            s.executeUpdate();
        }
    }

    private boolean lock(Connection c, String hpciId, long now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE cm_passphrase_failure SET failures = 0, locked_until = ? WHERE hpci_id = ?")) {
            s.setLong(1, now + lock.toMillis());
            s.setString(2, hpciId);
            s.executeUpdate();
        }
        return true;
    }
}
