package org.gridauth.ca.store;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.gridauth.ca.CaError;
import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.profile.SignedCertificate;

/**
 * Issued certificates in the CA database. Issuance is two short transactions around the signature: {@link #reserve}
 * records the serial as PENDING (primary key: never used twice; unique active HPCI-ID: R-CA-4), {@link #complete}
 * stores the certificate with its audit record. A crash in between leaves a PENDING row that
 * {@link #abandonStale} turns into ABANDONED at start-up; the certificate was never handed out.
 */
public final class JdbcCertificateStore {

    private static final String COLUMNS = "serial, profile, subject_dn, hpci_id, status, requested_at, certificate_der, revoked_at, revocation_reason";

    private final CaDatabase database;
    private final JdbcAuditTrail audit;
    private final Clock clock;

    public JdbcCertificateStore(CaDatabase database, JdbcAuditTrail audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
    }

    /** The serial is already taken; the caller draws another. */
    public static final class SerialInUse extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SerialInUse(BigInteger serial) {
            super("serial " + serial.toString(16) + " is already in use");
        }
    }

    /**
     * Records the serial as PENDING before signing.
     *
     * @throws SerialInUse        if the serial exists (draw another)
     * @throws GridAuthException  GA-CA-015 if the HPCI-ID already has a pending or valid client certificate
     */
    public void reserve(BigInteger serial, String profile, String subject, String hpciId) {
        reserve(serial, profile, subject, hpciId, null);
    }

    /**
     * Records the serial as PENDING; for a renewal ({@code replaces} not null) the HPCI-ID stays held by the
     * certificate being replaced until {@link #completeRenewal} moves it in the same transaction that revokes it.
     */
    public void reserve(BigInteger serial, String profile, String subject, String hpciId, BigInteger replaces) {
        reserve(serial, profile, subject, hpciId, replaces, null);
    }

    /**
     * Records the serial as PENDING for the RA request {@code requestId} (may be null): a request ID has at most one
     * pending, valid or revoked certificate (unique constraint), so a request retried or taken over never issues twice.
     *
     * @throws GridAuthException GA-CA-031 if another copy of the request holds a reservation or its certificate
     */
    public void reserve(BigInteger serial, String profile, String subject, String hpciId, BigInteger replaces, String requestId) {
        Instant now = clock.instant();
        try {
            database.inTransaction(connection -> {
                if (exists(connection, serial)) {
                    throw new SerialInUse(serial);
                }
                if (replaces != null) {
                    try (PreparedStatement select = connection.prepareStatement("SELECT status FROM ca_certificate WHERE serial = ?")) {
                        select.setString(1, hex(replaces));
                        try (ResultSet rs = select.executeQuery()) {
                            if (!rs.next() || !"VALID".equals(rs.getString(1))) {
                                throw new GridAuthException(CaError.RENEWAL_INVALID, hex(replaces), "it was revoked or renewed meanwhile");
                            }
                        }
                    }
                }
                if (hpciId != null) {
                    // An expired certificate no longer counts as valid (R-CA-4 speaks of valid certificates).
                    try (PreparedStatement release = connection.prepareStatement(
                            "UPDATE ca_certificate SET active_hpci_id = NULL WHERE active_hpci_id = ? AND status = 'VALID' AND not_after < ?")) {
                        release.setString(1, hpciId);
                        release.setLong(2, now.toEpochMilli());
                        release.executeUpdate();
                    }
                    Optional<String> holder = activeSerial(connection, hpciId);
                    if (holder.isPresent() && (replaces == null || !holder.get().equals(hex(replaces)))) {
                        throw new GridAuthException(CaError.HPCI_ID_HAS_VALID_CERTIFICATE, hpciId, holder.get());
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO ca_certificate (serial, profile, subject_dn, hpci_id, active_hpci_id, status, requested_at, ra_request_id) "
                                + "VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?)")) {
                    insert.setString(1, hex(serial));
                    insert.setString(2, profile);
                    insert.setString(3, subject);
                    insert.setString(4, hpciId);
                    insert.setString(5, replaces == null ? hpciId : null);
                    insert.setLong(6, now.toEpochMilli());
                    insert.setString(7, requestId);
                    insert.executeUpdate();
                }
                return null;
            });
        } catch (GridAuthException e) {
            // Two reservations raced: the constraint decided; report which one the loser hit.
            if (e.code() == CaError.DATABASE_UNAVAILABLE && CaDatabase.isUniqueViolation(e)) {
                Optional<String> holder = hpciId == null ? Optional.empty() : database.inTransaction(c -> activeSerial(c, hpciId));
                if (holder.isPresent()) {
                    throw new GridAuthException(CaError.HPCI_ID_HAS_VALID_CERTIFICATE, hpciId, holder.get());
                }
                if (requestId != null && database.inTransaction(c -> findByRequest(c, requestId).isPresent() || pendingForRequest(c, requestId))) {
                    throw new GridAuthException(CaError.REQUEST_IN_PROGRESS, requestId);
                }
                throw new SerialInUse(serial);
            }
            throw e;
        }
    }

    /** One certificate of a batch to reserve: what {@link #reserve} takes, without {@code replaces} (renewals go one by one). */
    public record Reservation(String profile, String subject, String hpciId, String requestId) {
    }

    /** What became of one {@link Reservation}: the serial now PENDING, or why nothing was reserved. */
    public record Reserved(BigInteger serial, GridAuthException refusal) {
    }

    private static final int SERIAL_DRAWS = 5;

    /**
     * Reserves serials for a batch in one transaction, item by item in order, with the checks of {@link #reserve}: an
     * HPCI-ID held by a valid or pending certificate, including one reserved earlier in the same batch, refuses the
     * item (GA-CA-015, R-CA-4); the others are reserved. If an item hits a unique constraint (a serial already taken,
     * a request ID that already holds a certificate or reservation, a concurrent transaction racing it), the batch
     * rolls back and is reserved one item at a time, so that only that item draws again or is refused (GA-CA-031).
     *
     * @param serials draws a random serial (drawn again if it is taken)
     */
    public List<Reserved> reserveAll(List<Reservation> items, Supplier<BigInteger> serials) {
        Instant now = clock.instant();
        try {
            return database.inTransaction(connection -> {
                List<Reserved> out = new ArrayList<>(items.size());
                try (BatchStatements statements = new BatchStatements(connection)) {
                    Map<String, Holder> holders = holders(connection, items);
                    Map<String, BigInteger> reservedHere = new HashMap<>();
                    for (Reservation item : items) {
                        out.add(reserveIn(statements, item, serials, now, holders, reservedHere));
                    }
                    if (out.stream().anyMatch(r -> r.serial() != null)) {
                        statements.insert.executeBatch();
                    }
                }
                return out;
            });
        } catch (GridAuthException e) {
            if (e.code() == CaError.DATABASE_UNAVAILABLE && CaDatabase.isUniqueViolation(e)) {
                List<Reserved> out = new ArrayList<>(items.size());
                for (Reservation item : items) {
                    out.add(reserveOne(item, serials));
                }
                return out;
            }
            throw e;
        }
    }

    /** The statements of {@link #reserveAll}, prepared once per batch. */
    private static final class BatchStatements implements AutoCloseable {
        final PreparedStatement release;
        final PreparedStatement insert;

        BatchStatements(Connection connection) throws SQLException {
            release = connection.prepareStatement("UPDATE ca_certificate SET active_hpci_id = NULL WHERE serial = ?");
            insert = connection.prepareStatement(
                    "INSERT INTO ca_certificate (serial, profile, subject_dn, hpci_id, active_hpci_id, status, requested_at, ra_request_id) "
                            + "VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?)");
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement statement : List.of(release, insert)) {
                statement.close();
            }
        }
    }

    /** The certificate holding an HPCI-ID (active_hpci_id), as {@link #reserveAll} found it before reserving. */
    private record Holder(String serial, String status, long notAfter, boolean hasNotAfter) {
    }

    /** The holders of the batch's HPCI-IDs, one query per 500 IDs (on PostgreSQL each statement is a round trip). */
    private static Map<String, Holder> holders(Connection connection, List<Reservation> items) throws SQLException {
        List<String> ids = items.stream().map(Reservation::hpciId).filter(java.util.Objects::nonNull).distinct().toList();
        Map<String, Holder> found = new HashMap<>();
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + 500));
            try (PreparedStatement select = connection.prepareStatement("SELECT active_hpci_id, serial, status, not_after FROM ca_certificate "
                    + "WHERE active_hpci_id IN (" + String.join(", ", java.util.Collections.nCopies(part.size(), "?")) + ")")) {
                for (int i = 0; i < part.size(); i++) {
                    select.setString(i + 1, part.get(i));
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        long notAfter = rs.getLong(4);
                        found.put(rs.getString(1), new Holder(rs.getString(2), rs.getString(3), notAfter, !rs.wasNull()));
                    }
                }
            }
        }
        return found;
    }

    /**
     * One item of {@link #reserveAll}, with the holders read beforehand and the HPCI-IDs reserved earlier in the same
     * batch ({@code reservedHere}), so that the batch decides exactly as one reservation after the other would. The
     * insert is added to the statement's batch. A taken serial or a request ID that already holds a certificate is
     * left to the unique constraints (serial primary key, ra_request_id): they roll the batch back, and the one-by-one
     * reservation that follows draws another serial or refuses that item (GA-CA-031).
     */
    private static Reserved reserveIn(BatchStatements statements, Reservation item, Supplier<BigInteger> serials, Instant now,
                                      Map<String, Holder> holders, Map<String, BigInteger> reservedHere) throws SQLException {
        if (item.hpciId() != null) {
            BigInteger earlierInBatch = reservedHere.get(item.hpciId());
            if (earlierInBatch != null) {
                return new Reserved(null, new GridAuthException(CaError.HPCI_ID_HAS_VALID_CERTIFICATE, item.hpciId(), hex(earlierInBatch)));
            }
            Holder holder = holders.get(item.hpciId());
            if (holder != null) {
                // An expired certificate no longer counts as valid (R-CA-4 speaks of valid certificates).
                boolean expired = "VALID".equals(holder.status()) && holder.hasNotAfter() && holder.notAfter() < now.toEpochMilli();
                if (!expired) {
                    return new Reserved(null, new GridAuthException(CaError.HPCI_ID_HAS_VALID_CERTIFICATE, item.hpciId(), holder.serial()));
                }
                statements.release.setString(1, holder.serial());
                statements.release.executeUpdate();
            }
        }
        BigInteger serial = serials.get();
        PreparedStatement insert = statements.insert;
        insert.setString(1, hex(serial));
        insert.setString(2, item.profile());
        insert.setString(3, item.subject());
        insert.setString(4, item.hpciId());
        insert.setString(5, item.hpciId());
        insert.setLong(6, now.toEpochMilli());
        insert.setString(7, item.requestId());
        insert.addBatch();
        if (item.hpciId() != null) {
            reservedHere.put(item.hpciId(), serial);
        }
        return new Reserved(serial, null);
    }

    private Reserved reserveOne(Reservation item, Supplier<BigInteger> serials) {
        for (int draw = 1; ; draw++) {
            BigInteger serial = serials.get();
            try {
                reserve(serial, item.profile(), item.subject(), item.hpciId(), null, item.requestId());
                return new Reserved(serial, null);
            } catch (SerialInUse e) {
                if (draw == SERIAL_DRAWS) {
                    return new Reserved(null, new GridAuthException(CaError.ISSUANCE_FAILED, e, item.subject(),
                            "no unused serial after " + SERIAL_DRAWS + " random draws", hex(serial)));
                }
            } catch (GridAuthException e) {
                return new Reserved(null, e);
            }
        }
    }

    /** One signed certificate of a batch to record, with its audit record and the RA request it answers (or null). */
    public record Completion(SignedCertificate certificate, AuditEvent event, String requestId) {
    }

    /** The fields of an {@link X509Certificate} this store records, for callers that hold a parsed certificate. */
    public static SignedCertificate signed(X509Certificate certificate) {
        try {
            return new SignedCertificate(certificate.getEncoded(), certificate.getSerialNumber(), GridDn.of(certificate.getSubjectX500Principal()),
                    certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new GridAuthException(CaError.INTERNAL, e, "the certificate cannot be encoded");
        }
    }

    /**
     * Records a batch of signed certificates in ONE transaction: each becomes valid, its RA request (if any) is
     * marked answered by it, and the audit records are appended in the batch's order, chained. All or none: if the
     * transaction fails, every certificate of the batch is left PENDING for the caller to {@link #abandonAll}.
     *
     * @return the audit record of each certificate, in order
     */
    public List<AuditRecord> completeAll(List<Completion> items) {
        return database.inTransaction(connection -> {
            List<AuditEvent> events = new ArrayList<>(items.size());
            List<String> answered = new ArrayList<>(items.size());
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE ca_certificate SET status = 'VALID', certificate_der = ?, issued_at = ?, not_before = ?, not_after = ? "
                            + "WHERE serial = ? AND status = 'PENDING'")) {
                // A statement batch: on PostgreSQL each executeUpdate was a round trip per certificate.
                long issuedAt = clock.millis();
                for (Completion item : items) {
                    if (item.requestId() != null) {
                        answered.add(item.requestId());
                    }
                    SignedCertificate certificate = item.certificate();
                    update.setBytes(1, certificate.encoded());
                    update.setLong(2, issuedAt);
                    update.setLong(3, certificate.notBefore().toEpochMilli());
                    update.setLong(4, certificate.notAfter().toEpochMilli());
                    update.setString(5, hex(certificate.serial()));
                    update.addBatch();
                    events.add(item.event());
                }
                JdbcRequestLog.answerAllByCertificate(connection, answered);
                int[] counts = update.executeBatch();
                for (int k = 0; k < counts.length; k++) {
                    // Each must have changed exactly one PENDING row (H2 and PostgreSQL report the count of each).
                    if (counts[k] != 1) {
                        throw new SQLException("serial " + hex(items.get(k).certificate().serial()) + " is not pending");
                    }
                }
            }
            return audit.appendAll(connection, events);
        });
    }

    /** Marks pending serials abandoned (a batch that could not be signed or recorded), with their audit records, in one transaction. */
    public void abandonAll(List<BigInteger> serials, List<AuditEvent> events) {
        database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE ca_certificate SET status = 'ABANDONED', active_hpci_id = NULL, ra_request_id = NULL WHERE serial = ? AND status = 'PENDING'")) {
                for (BigInteger serial : serials) {
                    update.setString(1, hex(serial));
                    update.executeUpdate();
                }
            }
            audit.appendAll(connection, events);
            return null;
        });
    }

    /** Stores the signed certificate and its audit record in one transaction; returns the audit record. */
    public AuditRecord complete(X509Certificate certificate, AuditEvent event) {
        return complete(certificate, event, null);
    }

    /**
     * Stores the signed certificate and its audit record, and marks the RA request {@code requestId} (if not null)
     * answered by this certificate, all in one transaction: one commit per issuance after the reservation.
     */
    public AuditRecord complete(X509Certificate certificate, AuditEvent event, String requestId) {
        return complete(signed(certificate), event, requestId);
    }

    /** {@link #complete(X509Certificate, AuditEvent, String)} for a certificate as the maker encoded it. */
    public AuditRecord complete(SignedCertificate certificate, AuditEvent event, String requestId) {
        return database.inTransaction(connection -> {
            if (requestId != null) {
                JdbcRequestLog.finish(connection, requestId, 200, null);
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE ca_certificate SET status = 'VALID', certificate_der = ?, issued_at = ?, not_before = ?, not_after = ? "
                            + "WHERE serial = ? AND status = 'PENDING'")) {
                update.setBytes(1, certificate.encoded());
                update.setLong(2, clock.millis());
                update.setLong(3, certificate.notBefore().toEpochMilli());
                update.setLong(4, certificate.notAfter().toEpochMilli());
                update.setString(5, hex(certificate.serial()));
                if (update.executeUpdate() != 1) {
                    throw new SQLException("serial " + hex(certificate.serial()) + " is not pending");
                }
            }
            return audit.append(connection, event);
        });
    }

    /**
     * Records a renewal in one transaction: the replaced certificate is revoked (superseded) and gives its
     * HPCI-ID hold to the new one, the new one becomes valid, and both audit records are written.
     *
     * @throws GridAuthException GA-CA-036 if the replaced certificate is no longer valid (revoked or renewed meanwhile)
     */
    public AuditRecord completeRenewal(X509Certificate certificate, BigInteger replaced, String hpciId, AuditEvent revokeEvent, AuditEvent issueEvent) {
        return completeRenewal(certificate, replaced, hpciId, revokeEvent, issueEvent, null);
    }

    /** {@link #completeRenewal} that also marks the RA request {@code requestId} (if not null) answered. */
    public AuditRecord completeRenewal(X509Certificate certificate, BigInteger replaced, String hpciId, AuditEvent revokeEvent, AuditEvent issueEvent,
                                       String requestId) {
        return completeRenewal(signed(certificate), replaced, hpciId, revokeEvent, issueEvent, requestId);
    }

    /** {@link #completeRenewal(X509Certificate, BigInteger, String, AuditEvent, AuditEvent, String)} for a certificate as the maker encoded it. */
    public AuditRecord completeRenewal(SignedCertificate certificate, BigInteger replaced, String hpciId, AuditEvent revokeEvent, AuditEvent issueEvent,
                                       String requestId) {
        return database.inTransaction(connection -> {
            if (requestId != null) {
                JdbcRequestLog.finish(connection, requestId, 200, null);
            }
            try (PreparedStatement revoke = connection.prepareStatement(
                    "UPDATE ca_certificate SET status = 'REVOKED', revoked_at = ?, revocation_reason = 4, active_hpci_id = NULL "
                            + "WHERE serial = ? AND status = 'VALID'")) {
                revoke.setLong(1, clock.millis());
                revoke.setString(2, hex(replaced));
                if (revoke.executeUpdate() != 1) {
                    throw new GridAuthException(CaError.RENEWAL_INVALID, hex(replaced), "it was revoked or renewed meanwhile");
                }
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE ca_certificate SET status = 'VALID', certificate_der = ?, issued_at = ?, not_before = ?, not_after = ?, active_hpci_id = ? "
                            + "WHERE serial = ? AND status = 'PENDING'")) {
                update.setBytes(1, certificate.encoded());
                update.setLong(2, clock.millis());
                update.setLong(3, certificate.notBefore().toEpochMilli());
                update.setLong(4, certificate.notAfter().toEpochMilli());
                update.setString(5, hpciId);
                update.setString(6, hex(certificate.serial()));
                if (update.executeUpdate() != 1) {
                    throw new SQLException("serial " + hex(certificate.serial()) + " is not pending");
                }
            }
            audit.append(connection, revokeEvent);
            return audit.append(connection, issueEvent);
        });
    }

    /** Marks a pending serial abandoned (signing or recording failed), with its audit record. */
    public void abandon(BigInteger serial, AuditEvent event) {
        database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE ca_certificate SET status = 'ABANDONED', active_hpci_id = NULL, ra_request_id = NULL WHERE serial = ? AND status = 'PENDING'")) {
                update.setString(1, hex(serial));
                update.executeUpdate();
            }
            audit.append(connection, event);
            return null;
        });
    }

    /** Abandons serials left PENDING by a crash (reserved before {@code before}); returns how many. */
    public int abandonStale(Instant before) {
        return database.inTransaction(connection -> {
            int count = 0;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT serial, subject_dn FROM ca_certificate WHERE status = 'PENDING' AND requested_at < ? ORDER BY serial")) {
                select.setLong(1, before.toEpochMilli());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        try (PreparedStatement update = connection.prepareStatement(
                                "UPDATE ca_certificate SET status = 'ABANDONED', active_hpci_id = NULL, ra_request_id = NULL WHERE serial = ? AND status = 'PENDING'")) {
                            update.setString(1, rs.getString(1));
                            update.executeUpdate();
                        }
                        audit.append(connection, new AuditEvent("ISSUE_ABANDONED", "ca", rs.getString(2),
                                java.util.Map.of("serial", rs.getString(1), "reason", "left pending by an interrupted issuance")));
                        count++;
                    }
                }
            }
            return count;
        });
    }

    /**
     * Revokes a valid certificate and writes its audit record in the same transaction.
     *
     * @throws GridAuthException GA-CA-021 for a serial this CA never issued, GA-CA-022 if already revoked
     */
    public AuditRecord revoke(BigInteger serial, int reason, Instant at, AuditEvent event) {
        return database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE ca_certificate SET status = 'REVOKED', revoked_at = ?, revocation_reason = ?, active_hpci_id = NULL "
                            + "WHERE serial = ? AND status = 'VALID'")) {
                update.setLong(1, at.toEpochMilli());
                update.setInt(2, reason);
                update.setString(3, hex(serial));
                if (update.executeUpdate() == 1) {
                    return audit.append(connection, event);
                }
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT status, revoked_at FROM ca_certificate WHERE serial = ?")) {
                select.setString(1, hex(serial));
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next() && "REVOKED".equals(rs.getString(1))) {
                        throw new GridAuthException(CaError.ALREADY_REVOKED, hex(serial), Instant.ofEpochMilli(rs.getLong(2)));
                    }
                }
            }
            throw new GridAuthException(CaError.CERTIFICATE_UNKNOWN, hex(serial));
        });
    }

    /** How many certificates are revoked (revocations are never undone, so a CRL listing fewer is out of date). */
    public long revokedCount() {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM ca_certificate WHERE status = 'REVOKED'");
                 ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Receives revoked certificates one by one. */
    public interface RevokedSink {
        void accept(BigInteger serial, long revokedAtMillis, int reason) throws java.io.IOException;
    }

    /**
     * Streams every revoked certificate to {@code sink}, in no particular order (RFC 5280 does not order CRL
     * entries), without holding them all: no ORDER BY (H2 sorted a million VARCHAR serials in a temporary file on
     * disk: 30 s), H2's lazy query execution and PostgreSQL's cursor fetch read the rows as they go. Returns how many.
     */
    public long forEachRevoked(RevokedSink sink) {
        return database.inTransaction(connection -> {
            boolean h2 = "H2".equals(connection.getMetaData().getDatabaseProductName());
            if (h2) {
                try (java.sql.Statement lazy = connection.createStatement()) {
                    lazy.execute("SET LAZY_QUERY_EXECUTION TRUE");
                }
            }
            long count = 0;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT serial, revoked_at, revocation_reason FROM ca_certificate WHERE status = 'REVOKED'")) {
                select.setFetchSize(10_000);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(new BigInteger(rs.getString(1), 16), rs.getLong(2), rs.getInt(3));
                        count++;
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                if (h2) {
                    try (java.sql.Statement eager = connection.createStatement()) {
                        eager.execute("SET LAZY_QUERY_EXECUTION FALSE");
                    }
                }
            }
            return count;
        });
    }

    /** Every revoked certificate, in no particular order (small CAs and tests; the CRL streams with {@link #forEachRevoked}). */
    public java.util.List<org.gridauth.gsi.crl.RevokedEntry> revoked() {
        java.util.List<org.gridauth.gsi.crl.RevokedEntry> out = new java.util.ArrayList<>();
        forEachRevoked((serial, at, reason) -> out.add(new org.gridauth.gsi.crl.RevokedEntry(serial, Instant.ofEpochMilli(at), reason)));
        return out;
    }

    /** A valid client certificate's subject and HPCI-ID. */
    public record ClientSubject(String subject, String hpciId) {
    }

    /** Subjects and HPCI-IDs of the client certificates valid at {@code now}, ordered by subject (grid-mapfile data, R-CA-6). */
    public java.util.List<ClientSubject> validClientSubjects(Instant now) {
        return database.inTransaction(connection -> {
            java.util.List<ClientSubject> out = new java.util.ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT subject_dn, hpci_id FROM ca_certificate WHERE status = 'VALID' AND hpci_id IS NOT NULL AND not_after > ? ORDER BY subject_dn, hpci_id")) {
                select.setLong(1, now.toEpochMilli());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ClientSubject(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            return out;
        });
    }

    /** The certificate issued (valid or since revoked) for the RA request {@code requestId}, if any. */
    public Optional<CertificateRecord> findByRequest(String requestId) {
        return database.inTransaction(connection -> findByRequest(connection, requestId));
    }

    /**
     * Gives up a reservation an earlier copy of the RA request made and never completed (its process died, or it
     * hangs): the reservation is abandoned, with its audit record, and can no longer complete. Returns whether one
     * was abandoned.
     */
    public boolean abandonPendingOfRequest(String requestId, AuditEvent event) {
        return database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE ca_certificate SET status = 'ABANDONED', active_hpci_id = NULL, ra_request_id = NULL WHERE ra_request_id = ? AND status = 'PENDING'")) {
                update.setString(1, requestId);
                if (update.executeUpdate() == 0) {
                    return false;
                }
            }
            audit.append(connection, event);
            return true;
        });
    }

    private static Optional<CertificateRecord> findByRequest(Connection connection, String requestId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM ca_certificate WHERE ra_request_id = ? AND certificate_der IS NOT NULL")) {
            select.setString(1, requestId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static boolean pendingForRequest(Connection connection, String requestId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM ca_certificate WHERE ra_request_id = ? AND status = 'PENDING'")) {
            select.setString(1, requestId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    public Optional<CertificateRecord> find(BigInteger serial) {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM ca_certificate WHERE serial = ?")) {
                select.setString(1, hex(serial));
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Serial numbers are stored as lower-case hex without leading zeros. */
    public static String hex(BigInteger serial) {
        return serial.toString(16);
    }

    private static boolean exists(Connection connection, BigInteger serial) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM ca_certificate WHERE serial = ?")) {
            select.setString(1, hex(serial));
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Optional<String> activeSerial(Connection connection, String hpciId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT serial FROM ca_certificate WHERE active_hpci_id = ?")) {
            select.setString(1, hpciId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static CertificateRecord read(ResultSet rs) throws SQLException {
        byte[] der = rs.getBytes(7);
        X509Certificate certificate = null;
        if (der != null) {
            try {
                certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            } catch (CertificateException e) {
                throw new SQLException("stored certificate " + rs.getString(1) + " cannot be decoded", e);
            }
        }
        long revokedAt = rs.getLong(8);
        boolean revoked = !rs.wasNull();
        int reason = rs.getInt(9);
        boolean hasReason = !rs.wasNull();
        return new CertificateRecord(new BigInteger(rs.getString(1), 16), rs.getString(2), rs.getString(3), rs.getString(4),
                CertificateStatus.valueOf(rs.getString(5)), Instant.ofEpochMilli(rs.getLong(6)), certificate,
                revoked ? Instant.ofEpochMilli(revokedAt) : null, hasReason ? reason : null);
    }
}
