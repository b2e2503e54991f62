package org.gridauth.ca.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.nio.file.Path;
import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;

import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ca.audit.AuditFilter;
import org.gridauth.ca.audit.AuditPage;
import org.gridauth.ca.audit.AuditHashes;
import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.audit.AuditTrail;
import org.gridauth.ca.audit.AuditVerification;
import org.gridauth.ca.audit.Checkpoint;
import org.gridauth.ca.token.CaKey;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import java.security.cert.X509Certificate;

/**
 * The audit trail in the CA database. Appending first bumps the head row, which locks it until commit: appenders
 * on any number of connections (or CA processes) are serialised and each sees the newest head. That lock is what
 * keeps the chain from forking (two records following the same one); the table needs no unique index on the hashes
 * for it (migration V6), and verification checks every link whatever the database enforces.
 */
public final class JdbcAuditTrail implements AuditTrail {

    private final CaDatabase database;
    private final Clock clock;

    public JdbcAuditTrail(CaDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public AuditRecord append(AuditEvent event) {
        return database.inTransaction(connection -> append(connection, event));
    }

    /** Appends within the caller's transaction, so that the record commits (or not) with what it describes. */
    public AuditRecord append(Connection connection, AuditEvent event) throws SQLException {
        try (PreparedStatement bump = connection.prepareStatement("UPDATE ca_audit_head SET seq = seq + 1 WHERE id = 1")) {
            if (bump.executeUpdate() != 1) {
                throw new SQLException("the audit head row is missing");
            }
        }
        long sequence;
        String previous;
        try (PreparedStatement head = connection.prepareStatement("SELECT seq, hash FROM ca_audit_head WHERE id = 1");
             ResultSet rs = head.executeQuery()) {
            rs.next();
            sequence = rs.getLong(1);
            previous = rs.getString(2);
        }
        Instant time = Instant.ofEpochMilli(clock.millis());
        String details = event.detailText();
        String hash = AuditHashes.hash(previous, sequence, time, event.type(), event.actor(), event.subject(), details);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO ca_audit (seq, at_millis, event_type, actor, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, sequence);
            insert.setLong(2, time.toEpochMilli());
            insert.setString(3, event.type());
            insert.setString(4, event.actor());
            insert.setString(5, event.subject());
            insert.setString(6, details);
            insert.setString(7, previous);
            insert.setString(8, hash);
            insert.executeUpdate();
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE ca_audit_head SET hash = ? WHERE id = 1")) {
            update.setString(1, hash);
            update.executeUpdate();
        }
        return new AuditRecord(sequence, time, event.type(), event.actor(), event.subject(), details, previous, hash);
    }

    /**
     * Appends several records, in the order given, within the caller's transaction: the head is moved once for all
     * of them (a batch of issuances records its certificates and their chained audit records in one commit).
     */
    public List<AuditRecord> appendAll(Connection connection, List<AuditEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement bump = connection.prepareStatement("UPDATE ca_audit_head SET seq = seq + ? WHERE id = 1")) {
            bump.setLong(1, events.size());
            if (bump.executeUpdate() != 1) {
                throw new SQLException("the audit head row is missing");
            }
        }
        long sequence;
        String previous;
        try (PreparedStatement head = connection.prepareStatement("SELECT seq, hash FROM ca_audit_head WHERE id = 1");
             ResultSet rs = head.executeQuery()) {
            rs.next();
            sequence = rs.getLong(1) - events.size();
            previous = rs.getString(2);
        }
        List<AuditRecord> out = new ArrayList<>(events.size());
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO ca_audit (seq, at_millis, event_type, actor, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditEvent event : events) {
                sequence++;
                Instant time = Instant.ofEpochMilli(clock.millis());
                String details = event.detailText();
                String hash = AuditHashes.hash(previous, sequence, time, event.type(), event.actor(), event.subject(), details);
                insert.setLong(1, sequence);
                insert.setLong(2, time.toEpochMilli());
                insert.setString(3, event.type());
                insert.setString(4, event.actor());
                insert.setString(5, event.subject());
                insert.setString(6, details);
                insert.setString(7, previous);
                insert.setString(8, hash);
                insert.addBatch();
                out.add(new AuditRecord(sequence, time, event.type(), event.actor(), event.subject(), details, previous, hash));
                previous = hash;
            }
            insert.executeBatch();
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE ca_audit_head SET hash = ? WHERE id = 1")) {
            update.setString(1, previous);
            update.executeUpdate();
        }
        return out;
    }

    @Override
    public AuditVerification verify() {
        return database.inTransaction(connection -> {
            long headSequence;
            String headHash;
            try (PreparedStatement head = connection.prepareStatement("SELECT seq, hash FROM ca_audit_head WHERE id = 1");
                 ResultSet rs = head.executeQuery()) {
                if (!rs.next()) {
                    return new AuditVerification(0, AuditHashes.GENESIS, 1, "the audit head row is missing");
                }
                headSequence = rs.getLong(1);
                headHash = rs.getString(2);
            }
            List<AuditRecord> records = records(connection, 0, Long.MAX_VALUE);
            long first = records.isEmpty() ? 1 : records.get(0).sequence();
            if (first > 1) {
                // After an archive the links start at the archived last record, named by its checkpoint (whose
                // signature only verify(caCertificate) can check).
                Optional<Checkpoint> anchor = checkpoints(connection).stream().filter(c -> c.sequence() == first - 1).findFirst();
                if (anchor.isEmpty()) {
                    return new AuditVerification(records.size(), AuditHashes.GENESIS, 1,
                            "records 1 to " + (first - 1) + " are gone and no checkpoint marks where the archive ends");
                }
                return AuditVerification.check(records, first, anchor.get().hash(), headSequence, headHash);
            }
            return AuditVerification.check(records, headSequence, headHash);
        });
    }

    /**
     * Signs the current head (sequence and hash of the newest record) with the CA key and stores the checkpoint.
     * Run it at intervals (the CA does after every CRL) and keep copies elsewhere (the CA log prints each one).
     * A head that already has its checkpoint (no record since the last one: an idle CA, or a restart) keeps it, so
     * the hourly checkpoint of a quiet CA is not an error.
     */
    public Checkpoint checkpoint(CaKey key) {
        return database.inTransaction(connection -> {
            long sequence;
            String hash;
            try (PreparedStatement head = connection.prepareStatement("SELECT seq, hash FROM ca_audit_head WHERE id = 1");
                 ResultSet rs = head.executeQuery()) {
                rs.next();
                sequence = rs.getLong(1);
                hash = rs.getString(2);
            }
            try (PreparedStatement existing = connection.prepareStatement(
                    "SELECT seq, hash, at_millis, algorithm, signature FROM ca_audit_checkpoint WHERE seq = ? AND hash = ?")) {
                existing.setLong(1, sequence);
                existing.setString(2, hash);
                try (ResultSet rs = existing.executeQuery()) {
                    if (rs.next()) {
                        return new Checkpoint(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4), rs.getBytes(5));
                    }
                }
            }
            Instant time = Instant.ofEpochMilli(clock.millis());
            ContentSigner signer = key.signer();
            try {
                signer.getOutputStream().write(Checkpoint.payload(sequence, hash, time));
            } catch (java.io.IOException e) {
                throw new SQLException("cannot sign the checkpoint", e);
            }
            String algorithm = new DefaultAlgorithmNameFinder().getAlgorithmName(signer.getAlgorithmIdentifier());
            Checkpoint checkpoint = new Checkpoint(sequence, hash, time, algorithm, signer.getSignature());
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO ca_audit_checkpoint (seq, hash, at_millis, algorithm, signature) VALUES (?, ?, ?, ?, ?)")) {
                insert.setLong(1, sequence);
                insert.setString(2, hash);
                insert.setLong(3, time.toEpochMilli());
                insert.setString(4, algorithm);
                insert.setBytes(5, checkpoint.signature());
                insert.executeUpdate();
            }
            return checkpoint;
        });
    }

    /** Checks the chain and every signed checkpoint against the CA certificate. */
    public AuditVerification verify(X509Certificate ca) {
        return database.inTransaction(connection -> {
            long headSequence = 0;
            String headHash = "";
            try (PreparedStatement head = connection.prepareStatement("SELECT seq, hash FROM ca_audit_head WHERE id = 1");
                 ResultSet rs = head.executeQuery()) {
                if (rs.next()) {
                    headSequence = rs.getLong(1);
                    headHash = rs.getString(2);
                }
            }
            List<Checkpoint> checkpoints = checkpoints(connection);
            return AuditVerification.check(records(connection, 0, Long.MAX_VALUE), headSequence, headHash, checkpoints, ca);
        });
    }

    private static List<Checkpoint> checkpoints(Connection connection) throws SQLException {
        List<Checkpoint> checkpoints = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT seq, hash, at_millis, algorithm, signature FROM ca_audit_checkpoint ORDER BY seq");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                checkpoints.add(new Checkpoint(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4), rs.getBytes(5)));
            }
        }
        return checkpoints;
    }

    /**
     * Moves the records older than {@code before} into an archive file and deletes them here (R-CA-7 retention).
     * The trail must verify first; the last archived record gets a checkpoint signed by the CA key, which stays in
     * the database as the anchor the remaining records chain from, and ends the archive file. The file is written
     * (mode 400) before anything is deleted, in the same transaction that deletes.
     *
     * @return how many records were archived (0 if none is old enough)
     */
    public int archive(Instant before, CaKey key, Path file) {
        AuditVerification state = verify(key.certificate());
        if (!state.intact()) {
            throw new GridAuthException(CaError.AUDIT_CHAIN_BROKEN, state.firstBroken(), state.problem());
        }
        return database.inTransaction(connection -> {
            long last;
            try (PreparedStatement select = connection.prepareStatement("SELECT MAX(seq) FROM ca_audit WHERE at_millis < ?")) {
                select.setLong(1, before.toEpochMilli());
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    last = rs.getLong(1);
                }
            }
            List<AuditRecord> archived = records(connection, 0, last);
            if (last == 0 || archived.isEmpty()) {
                return 0;
            }
            AuditRecord end = archived.get(archived.size() - 1);
            Checkpoint anchor = checkpoints(connection).stream().filter(c -> c.sequence() == end.sequence()).findFirst()
                    .orElseGet(() -> sign(key, end.sequence(), end.hash()));
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO ca_audit_checkpoint (seq, hash, at_millis, algorithm, signature) SELECT ?, ?, ?, ?, ? "
                            + "WHERE NOT EXISTS (SELECT 1 FROM ca_audit_checkpoint WHERE seq = ?)")) {
                insert.setLong(1, anchor.sequence());
                insert.setString(2, anchor.hash());
                insert.setLong(3, anchor.time().toEpochMilli());
                insert.setString(4, anchor.algorithm());
                insert.setBytes(5, anchor.signature());
                insert.setLong(6, anchor.sequence());
                insert.executeUpdate();
            }
            AuditArchive.write(file, archived, anchor);
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM ca_audit WHERE seq <= ?")) {
                delete.setLong(1, end.sequence());
                delete.executeUpdate();
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM ca_audit_checkpoint WHERE seq < ?")) {
                delete.setLong(1, end.sequence());
                delete.executeUpdate();
            }
            return archived.size();
        });
    }

    private Checkpoint sign(CaKey key, long sequence, String hash) {
        Instant time = Instant.ofEpochMilli(clock.millis());
        ContentSigner signer = key.signer();
        try {
            signer.getOutputStream().write(Checkpoint.payload(sequence, hash, time));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return new Checkpoint(sequence, hash, time, new DefaultAlgorithmNameFinder().getAlgorithmName(signer.getAlgorithmIdentifier()),
                signer.getSignature());
    }

    /**
     * The records matching the filter, newest first. Reads one record more than the limit to know whether a next
     * page exists; the cursor is a sequence number, so records appended meanwhile never shift later pages.
     */
    @Override
    public AuditPage search(AuditFilter filter) {
        StringBuilder sql = new StringBuilder("SELECT seq, at_millis, event_type, actor, subject, details, prev_hash, hash FROM ca_audit WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (filter.from() != null) {
            sql.append(" AND at_millis >= ?");
            parameters.add(filter.from().toEpochMilli());
        }
        if (filter.to() != null) {
            sql.append(" AND at_millis < ?");
            parameters.add(filter.to().toEpochMilli());
        }
        if (filter.action() != null) {
            sql.append(" AND event_type = ?");
            parameters.add(filter.action());
        }
        if (filter.actor() != null) {
            sql.append(" AND LOWER(actor) LIKE ? ESCAPE '!'");
            parameters.add(containing(filter.actor()));
        }
        if (filter.text() != null) {
            sql.append(" AND (LOWER(subject) LIKE ? ESCAPE '!' OR LOWER(details) LIKE ? ESCAPE '!')");
            parameters.add(containing(filter.text()));
            parameters.add(containing(filter.text()));
        }
        if (filter.before() != null) {
            sql.append(" AND seq < ?");
            parameters.add(filter.before());
        }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        parameters.add(filter.limit() + 1);
        List<AuditRecord> found = database.inTransaction(connection -> {
            List<AuditRecord> out = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    select.setObject(i + 1, parameters.get(i));
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AuditRecord(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)));
                    }
                }
            }
            return out;
        });
        if (found.size() <= filter.limit()) {
            return new AuditPage(found, null);
        }
        List<AuditRecord> page = found.subList(0, filter.limit());
        return new AuditPage(page, page.get(page.size() - 1).sequence());
    }

    /** A LIKE pattern for "contains", lower case, with the pattern characters of the text escaped (escape character '!'). */
    private static String containing(String text) {
        String escaped = text.toLowerCase(java.util.Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_");
        return "%" + escaped + "%";
    }

    /** Records with sequence numbers in [from, to], in order. */
    public List<AuditRecord> read(long from, long to) {
        return database.inTransaction(connection -> records(connection, from, to));
    }

    private static List<AuditRecord> records(Connection connection, long from, long to) throws SQLException {
        List<AuditRecord> out = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT seq, at_millis, event_type, actor, subject, details, prev_hash, hash FROM ca_audit WHERE seq BETWEEN ? AND ? ORDER BY seq")) {
            select.setLong(1, from);
            select.setLong(2, to);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditRecord(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)));
                }
            }
        }
        return out;
    }
}
