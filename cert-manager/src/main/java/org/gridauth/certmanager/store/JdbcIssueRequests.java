package org.gridauth.certmanager.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The portal's issuance requests by request ID. A request is PENDING while the CA is asked and DONE once the
 * certificate is recorded; a retry of a DONE request gets the same certificate, and the CA, asked again with the
 * same ID after a crash, answers with the certificate it already issued.
 */
public final class JdbcIssueRequests {

    /** What is on record for a request ID. */
    public record IssueRequestState(String requestId, String hpciId, String state, String serial, String csrPem, String replyKey) {
        public boolean done() {
            return "DONE".equals(state);
        }
    }

    /** How long a download's encrypted key is kept for retries. */
    public static final Duration REPLY_KEY_RETENTION = Duration.ofDays(1);

    private final CmDatabase database;
    private final Clock clock;

    public JdbcIssueRequests(CmDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Registers the request as PENDING, or returns what is on record for its ID. When another instance on the same
     * database registers the same ID at the same moment (the portal's retry of a request that instance is still
     * working on), its row wins and is returned.
     */
    public Optional<IssueRequestState> begin(String requestId, String hpciId) {
        try {
            return database.inTransaction(c -> {
                Optional<IssueRequestState> existing = find(c, requestId);
                if (existing.isPresent()) {
                    return existing;
                }
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO cm_issue_request (request_id, hpci_id, state, created_at) VALUES (?, ?, 'PENDING', ?)")) {
                    s.setString(1, requestId);
                    s.setString(2, hpciId);
                    s.setLong(3, clock.millis());
                    s.executeUpdate();
                }
                return Optional.empty();
            });
        } catch (org.gridauth.gsi.error.GridAuthException e) {
            if (!CmDatabase.isUniqueViolation(e)) {
                throw e;
            }
            return database.inTransaction(c -> find(c, requestId));
        }
    }

    /** What is on record for the request ID, without registering it. */
    public Optional<IssueRequestState> find(String requestId) {
        return database.inTransaction(c -> find(c, requestId));
    }

    /**
     * Keeps the CSR and the encrypted key of a PENDING request before the CA is asked. The first CSR kept for an ID
     * stays: returns false, changing nothing, when one is already on record (another instance on the same database
     * prepared the same request first) or the request is no longer PENDING; the caller then goes on with what is on
     * record, so the CA is only ever asked to sign one CSR per request ID.
     */
    public boolean prepared(String requestId, String csrPem, String encryptedKey) {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE cm_issue_request SET csr_pem = ?, reply_key = ? WHERE request_id = ? AND state = 'PENDING' AND csr_pem IS NULL")) {
                s.setString(1, csrPem);
                s.setString(2, encryptedKey);
                s.setString(3, requestId);
                return s.executeUpdate() == 1;
            }
        });
    }

    public void done(String requestId, String serial, String replyKey) {
        database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE cm_issue_request SET state = 'DONE', serial = ?, reply_key = ?, csr_pem = NULL WHERE request_id = ?")) {
                s.setString(1, serial);
                s.setString(2, replyKey);
                s.setString(3, requestId);
                return s.executeUpdate();
            }
        });
    }

    /** Drops the request after a refusal so the portal may correct and resend it under the same ID. */
    public void forget(String requestId) {
        database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM cm_issue_request WHERE request_id = ? AND state = 'PENDING'")) {
                s.setString(1, requestId);
                return s.executeUpdate();
            }
        });
    }

    /** Forgets download keys older than the retention. */
    public int purgeReplyKeys() {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE cm_issue_request SET reply_key = NULL WHERE reply_key IS NOT NULL AND created_at < ?")) {
                s.setLong(1, clock.millis() - REPLY_KEY_RETENTION.toMillis());
                return s.executeUpdate();
            }
        });
    }

    private static Optional<IssueRequestState> find(java.sql.Connection c, String requestId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT request_id, hpci_id, state, serial, csr_pem, reply_key FROM cm_issue_request WHERE request_id = ?")) {
            s.setString(1, requestId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new IssueRequestState(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6))) : Optional.empty();
            }
        }
    }
}
