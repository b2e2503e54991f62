package org.gridauth.ca.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.gridauth.ca.audit.AuditEvent;
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
 * on any number of connections (or CA processes) are serialised and each sees the newest head.
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
            return AuditVerification.check(records(connection, 0, Long.MAX_VALUE), headSequence, headHash);
        });
    }

    /**
     * Signs the current head (sequence and hash of the newest record) with the CA key and stores the checkpoint.
     * Run it at intervals (the CA does after every CRL) and keep copies elsewhere (the CA log prints each one).
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
            List<Checkpoint> checkpoints = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT seq, hash, at_millis, algorithm, signature FROM ca_audit_checkpoint ORDER BY seq");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    checkpoints.add(new Checkpoint(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4), rs.getBytes(5)));
                }
            }
            return AuditVerification.check(records(connection, 0, Long.MAX_VALUE), headSequence, headHash, checkpoints, ca);
        });
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
