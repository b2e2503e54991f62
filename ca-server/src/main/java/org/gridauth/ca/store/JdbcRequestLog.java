package org.gridauth.ca.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Request IDs of the RA link (idempotency keys). {@link #begin} claims an ID before the work starts (primary key:
 * two copies of one request cannot both run); {@link #finish} stores the answer that every retry then gets.
 */
public final class JdbcRequestLog {

    /** A stored answer. */
    public record StoredReply(int status, String body) {
    }

    private final CaDatabase database;
    private final Clock clock;

    public JdbcRequestLog(CaDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Claims the request ID, or returns the stored answer of an earlier identical request.
     *
     * @throws GridAuthException GA-CA-030 if the ID was used for different content, GA-CA-031 while the first copy runs
     */
    public Optional<StoredReply> begin(String requestId, String raDn, String operation, String requestSha256) {
        try {
            return database.inTransaction(connection -> {
                Optional<StoredReply> earlier = earlier(connection, requestId, raDn, operation, requestSha256);
                if (earlier.isPresent()) {
                    return earlier;
                }
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO ca_ra_request (request_id, ra_dn, operation, request_sha256, state, created_at) VALUES (?, ?, ?, ?, 'IN_PROGRESS', ?)")) {
                    insert.setString(1, requestId);
                    insert.setString(2, raDn);
                    insert.setString(3, operation);
                    insert.setString(4, requestSha256);
                    insert.setLong(5, clock.millis());
                    insert.executeUpdate();
                }
                return Optional.empty();
            });
        } catch (GridAuthException e) {
            if (e.code() == CaError.DATABASE_UNAVAILABLE && CaDatabase.isUniqueViolation(e)) {
                // Another copy claimed it first.
                return database.inTransaction(connection -> earlier(connection, requestId, raDn, operation, requestSha256));
            }
            throw e;
        }
    }

    public void finish(String requestId, int status, String body) {
        database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE ca_ra_request SET state = 'DONE', http_status = ?, response_body = ? WHERE request_id = ?")) {
                update.setInt(1, status);
                update.setString(2, body);
                update.setString(3, requestId);
                update.executeUpdate();
            }
            return null;
        });
    }

    /** Gives the ID back after a failure that a retry may cure (database or HSM unavailable). */
    public void release(String requestId) {
        database.inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM ca_ra_request WHERE request_id = ? AND state = 'IN_PROGRESS'")) {
                delete.setString(1, requestId);
                delete.executeUpdate();
            }
            return null;
        });
    }

    private static Optional<StoredReply> earlier(Connection connection, String requestId, String raDn, String operation, String sha256)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT ra_dn, operation, request_sha256, state, http_status, response_body FROM ca_ra_request WHERE request_id = ?")) {
            select.setString(1, requestId);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                if (!rs.getString(1).equals(raDn) || !rs.getString(2).equals(operation) || !rs.getString(3).equals(sha256)) {
                    throw new GridAuthException(CaError.IDEMPOTENCY_KEY_REUSED, requestId, rs.getString(2));
                }
                if (!"DONE".equals(rs.getString(4))) {
                    throw new GridAuthException(CaError.REQUEST_IN_PROGRESS, requestId);
                }
                return Optional.of(new StoredReply(rs.getInt(5), rs.getString(6)));
            }
        }
    }
}
