package org.gridauth.ca.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Request IDs of the RA link (idempotency keys). {@link #begin} claims an ID before the work starts (primary key:
 * two copies of one request cannot both run); {@link #finish} stores the answer that every retry then gets. An
 * issuance needs no separate answer: {@link JdbcCertificateStore#complete} marks its request done in the
 * transaction that records the certificate, and a retry is answered from the certificate.
 */
public final class JdbcRequestLog {

    /** What {@link #begin} found for a request ID. */
    public sealed interface Claim permits Claimed, Stored, AnsweredByCertificate, Unfinished {
    }

    /** The ID was new and is now claimed (at {@code at}, which names this claim): do the work. */
    public record Claimed(Instant at) implements Claim {
    }

    /** A stored answer: send it again. */
    public record Stored(int status, String body) implements Claim {
    }

    /** An issuance that completed: answer with the certificate issued for this request ID. */
    public record AnsweredByCertificate() implements Claim {
    }

    /**
     * An earlier copy claimed the ID and no answer was stored: it is still running, or it died (or storing its
     * answer failed) after {@code since}. The caller looks for what the work left behind before refusing
     * (GA-CA-031) or taking the request over with {@link #takeOver}.
     */
    public record Unfinished(Instant since) implements Claim {
    }

    /** A stored answer (kept for callers of the previous API). */
    public record StoredReply(int status, String body) {
    }

    private final CaDatabase database;
    private final Clock clock;

    public JdbcRequestLog(CaDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Claims the request ID, or says what an earlier identical request left.
     *
     * @throws GridAuthException GA-CA-030 if the ID was used for different content
     */
    public Claim claim(String requestId, String raDn, String operation, String requestSha256) {
        try {
            return database.inTransaction(connection -> {
                Optional<Claim> earlier = earlier(connection, requestId, raDn, operation, requestSha256);
                if (earlier.isPresent()) {
                    return earlier.get();
                }
                long now = clock.millis();
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO ca_ra_request (request_id, ra_dn, operation, request_sha256, state, created_at) VALUES (?, ?, ?, ?, 'IN_PROGRESS', ?)")) {
                    insert.setString(1, requestId);
                    insert.setString(2, raDn);
                    insert.setString(3, operation);
                    insert.setString(4, requestSha256);
                    insert.setLong(5, now);
                    insert.executeUpdate();
                }
                return new Claimed(Instant.ofEpochMilli(now));
            });
        } catch (GridAuthException e) {
            if (e.code() == CaError.DATABASE_UNAVAILABLE && CaDatabase.isUniqueViolation(e)) {
                // Another copy claimed it first.
                return database.inTransaction(connection -> earlier(connection, requestId, raDn, operation, requestSha256)).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    /** One request ID of a batch to claim, with the SHA-256 of its canonical body. */
    public record Item(String requestId, String requestSha256) {
    }

    /** What {@link #claimAll} found for one item: a {@link Claim}, or the refusal (GA-CA-030). */
    public record ItemClaim(Claim claim, GridAuthException refusal) {
    }

    /**
     * Claims the request IDs of a batch in one transaction, each exactly as {@link #claim} would (an ID repeated
     * within the batch finds the first one's claim). If a concurrent copy of one of them claims it at the same
     * moment, the batch rolls back and is claimed one ID at a time.
     */
    public List<ItemClaim> claimAll(List<Item> items, String raDn, String operation) {
        try {
            return database.inTransaction(connection -> {
                long now = clock.millis();
                List<ItemClaim> out = new ArrayList<>(items.size());
                // One query for the earlier copies of all IDs and one batch of inserts: on PostgreSQL every statement
                // is a round trip, two per item before. IDs repeated within the batch are settled here as the
                // one-by-one claim would settle them: the repeat finds the first one's fresh claim.
                Map<String, Earlier> found = earlier(connection, items);
                Map<String, Item> claimedHere = new HashMap<>();
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO ca_ra_request (request_id, ra_dn, operation, request_sha256, state, created_at) VALUES (?, ?, ?, ?, 'IN_PROGRESS', ?)")) {
                    for (Item item : items) {
                        Item first = claimedHere.get(item.requestId());
                        if (first != null) {
                            out.add(first.requestSha256().equals(item.requestSha256())
                                    ? new ItemClaim(new Unfinished(Instant.ofEpochMilli(now)), null)
                                    : new ItemClaim(null, new GridAuthException(CaError.IDEMPOTENCY_KEY_REUSED, item.requestId(), operation)));
                            continue;
                        }
                        Earlier earlier = found.get(item.requestId());
                        if (earlier != null) {
                            try {
                                out.add(new ItemClaim(earlier.claim(item.requestId(), raDn, operation, item.requestSha256()), null));
                            } catch (GridAuthException e) {
                                out.add(new ItemClaim(null, e));
                            }
                            continue;
                        }
                        insert.setString(1, item.requestId());
                        insert.setString(2, raDn);
                        insert.setString(3, operation);
                        insert.setString(4, item.requestSha256());
                        insert.setLong(5, now);
                        insert.addBatch();
                        claimedHere.put(item.requestId(), item);
                        out.add(new ItemClaim(new Claimed(Instant.ofEpochMilli(now)), null));
                    }
                    if (!claimedHere.isEmpty()) {
                        insert.executeBatch();
                    }
                }
                return out;
            });
        } catch (GridAuthException e) {
            if (e.code() == CaError.DATABASE_UNAVAILABLE && CaDatabase.isUniqueViolation(e)) {
                List<ItemClaim> out = new ArrayList<>(items.size());
                for (Item item : items) {
                    try {
                        out.add(new ItemClaim(claim(item.requestId(), raDn, operation, item.requestSha256()), null));
                    } catch (GridAuthException refusal) {
                        out.add(new ItemClaim(null, refusal));
                    }
                }
                return out;
            }
            throw e;
        }
    }

    /**
     * Claims the request ID, or returns the stored answer of an earlier identical request.
     *
     * @throws GridAuthException GA-CA-030 if the ID was used for different content, GA-CA-031 while the first copy
     *                           has no stored answer
     */
    public Optional<StoredReply> begin(String requestId, String raDn, String operation, String requestSha256) {
        Claim claim = claim(requestId, raDn, operation, requestSha256);
        if (claim instanceof Stored stored) {
            return Optional.of(new StoredReply(stored.status(), stored.body()));
        }
        if (claim instanceof Claimed) {
            return Optional.empty();
        }
        throw new GridAuthException(CaError.REQUEST_IN_PROGRESS, requestId);
    }

    /**
     * Takes over an unfinished request whose first copy has had {@code stale} to finish: restarts its clock, so of
     * several retries arriving together only one takes it over, and the first copy, should it still be alive, can
     * no longer store an answer or release the ID ({@link #finish(String, Instant, int, String)},
     * {@link #release(String, Instant)}). Returns the new claim, or nothing if another retry took it first, it was
     * finished meanwhile, or it is not yet stale.
     */
    public Optional<Claimed> takeOver(String requestId, Unfinished seen, Duration stale) {
        if (clock.instant().isBefore(seen.since().plus(stale))) {
            return Optional.empty();
        }
        return database.inTransaction(connection -> {
            long now = Math.max(clock.millis(), seen.since().toEpochMilli() + 1);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE ca_ra_request SET created_at = ? WHERE request_id = ? AND state = 'IN_PROGRESS' AND created_at = ?")) {
                update.setLong(1, now);
                update.setString(2, requestId);
                update.setLong(3, seen.since().toEpochMilli());
                return update.executeUpdate() == 1 ? Optional.of(new Claimed(Instant.ofEpochMilli(now))) : Optional.empty();
            }
        });
    }

    /** Stores the answer of the copy holding {@code claim}; a copy whose request was taken over stores nothing. */
    public void finish(String requestId, Instant claim, int status, String body) {
        database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE ca_ra_request SET state = 'DONE', http_status = ?, response_body = ? WHERE request_id = ? AND state = 'IN_PROGRESS' AND created_at = ?")) {
                update.setInt(1, status);
                update.setString(2, body);
                update.setString(3, requestId);
                update.setLong(4, claim.toEpochMilli());
                update.executeUpdate();
            }
            return null;
        });
    }

    /** Gives the ID back after a failure a retry may cure, if {@code claim} still holds it (not taken over). */
    public void release(String requestId, Instant claim) {
        database.inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM ca_ra_request WHERE request_id = ? AND state = 'IN_PROGRESS' AND created_at = ?")) {
                delete.setString(1, requestId);
                delete.setLong(2, claim.toEpochMilli());
                delete.executeUpdate();
            }
            return null;
        });
    }

    public void finish(String requestId, int status, String body) {
        database.inTransaction(connection -> {
            finish(connection, requestId, status, body);
            return null;
        });
    }

    /** Stores the answer inside the caller's transaction ({@code body} null: answered by the request's certificate). */
    static void finish(Connection connection, String requestId, int status, String body) throws SQLException {
        try (PreparedStatement update = prepareFinish(connection)) {
            finish(update, requestId, status, body);
        }
    }

    /** The statement of {@link #finish(PreparedStatement, String, int, String)}. */
    private static PreparedStatement prepareFinish(Connection connection) throws SQLException {
        return connection.prepareStatement("UPDATE ca_ra_request SET state = 'DONE', http_status = ?, response_body = ? WHERE request_id = ?");
    }

    static void finish(PreparedStatement update, String requestId, int status, String body) throws SQLException {
        update.setInt(1, status);
        update.setString(2, body);
        update.setString(3, requestId);
        update.executeUpdate();
    }

    /**
     * Marks the request IDs answered by the certificates just recorded for them (status 200, no stored body: a
     * retry is answered from the certificate), in statements of up to 500 IDs: a batch issuance's answers cost one
     * statement, not one per certificate (on PostgreSQL every row of a statement batch is a statement on the server,
     * which shares the CA's cores).
     */
    static void answerAllByCertificate(Connection connection, List<String> requestIds) throws SQLException {
        for (int from = 0; from < requestIds.size(); from += 500) {
            List<String> part = requestIds.subList(from, Math.min(requestIds.size(), from + 500));
            String marks = String.join(", ", java.util.Collections.nCopies(part.size(), "?"));
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE ca_ra_request SET state = 'DONE', http_status = 200, response_body = NULL WHERE request_id IN (" + marks + ")")) {
                for (int i = 0; i < part.size(); i++) {
                    update.setString(i + 1, part.get(i));
                }
                update.executeUpdate();
            }
        }
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

    /** An existing row of ca_ra_request, as {@link #earlier(PreparedStatement, String, String, String, String)} reads it. */
    private record Earlier(String raDn, String operation, String sha256, String state, int httpStatus, String body, long createdAt) {

        Claim claim(String requestId, String raDn, String operation, String sha256) {
            if (!this.raDn.equals(raDn) || !this.operation.equals(operation) || !this.sha256.equals(sha256)) {
                throw new GridAuthException(CaError.IDEMPOTENCY_KEY_REUSED, requestId, this.operation);
            }
            if (!"DONE".equals(state)) {
                return new Unfinished(Instant.ofEpochMilli(createdAt));
            }
            return body == null ? new AnsweredByCertificate() : new Stored(httpStatus, body);
        }
    }

    /** The rows of the given request IDs that exist, in one query per 500 IDs. */
    private static Map<String, Earlier> earlier(Connection connection, List<Item> items) throws SQLException {
        Map<String, Earlier> found = new HashMap<>();
        for (int from = 0; from < items.size(); from += 500) {
            List<Item> part = items.subList(from, Math.min(items.size(), from + 500));
            String marks = String.join(", ", java.util.Collections.nCopies(part.size(), "?"));
            try (PreparedStatement select = connection.prepareStatement("SELECT request_id, ra_dn, operation, request_sha256, state, http_status, "
                    + "response_body, created_at FROM ca_ra_request WHERE request_id IN (" + marks + ")")) {
                for (int i = 0; i < part.size(); i++) {
                    select.setString(i + 1, part.get(i).requestId());
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString(1), new Earlier(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6),
                                rs.getString(7), rs.getLong(8)));
                    }
                }
            }
        }
        return found;
    }

    private static Optional<Claim> earlier(Connection connection, String requestId, String raDn, String operation, String sha256)
            throws SQLException {
        try (PreparedStatement select = prepareEarlier(connection)) {
            return earlier(select, requestId, raDn, operation, sha256);
        }
    }

    private static PreparedStatement prepareEarlier(Connection connection) throws SQLException {
        return connection.prepareStatement(
                "SELECT ra_dn, operation, request_sha256, state, http_status, response_body, created_at FROM ca_ra_request WHERE request_id = ?");
    }

    private static Optional<Claim> earlier(PreparedStatement select, String requestId, String raDn, String operation, String sha256)
            throws SQLException {
        select.setString(1, requestId);
        try (ResultSet rs = select.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            if (!rs.getString(1).equals(raDn) || !rs.getString(2).equals(operation) || !rs.getString(3).equals(sha256)) {
                throw new GridAuthException(CaError.IDEMPOTENCY_KEY_REUSED, requestId, rs.getString(2));
            }
            if (!"DONE".equals(rs.getString(4))) {
                return Optional.of(new Unfinished(Instant.ofEpochMilli(rs.getLong(7))));
            }
            String body = rs.getString(6);
            return Optional.of(body == null ? new AnsweredByCertificate() : new Stored(rs.getInt(5), body));
        }
    }
}
