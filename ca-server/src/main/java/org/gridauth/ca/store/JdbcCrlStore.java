package org.gridauth.ca.store;

import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ca.audit.AuditRecord;

/**
 * The CRLs the CA signed, newest by number: number, dates, entry count and the SHA-256 of the DER. The published
 * files are the CRL itself; the database does not keep a copy (a 1,000,000-entry CRL is 54 MB).
 */
public final class JdbcCrlStore {

    /** One recorded CRL ({@code sha256} is null for CRLs recorded before version 5 of the schema). */
    public record CrlRecord(BigInteger number, Instant thisUpdate, Instant nextUpdate, long revokedCount, String sha256) {
    }

    private final CaDatabase database;
    private final JdbcAuditTrail audit;

    public JdbcCrlStore(CaDatabase database, JdbcAuditTrail audit) {
        this.database = database;
        this.audit = audit;
    }

    /** The number the next CRL gets: one above the highest ever recorded. */
    public BigInteger nextNumber() {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT MAX(crl_number) FROM ca_crl");
                 ResultSet rs = select.executeQuery()) {
                rs.next();
                return BigInteger.valueOf(rs.getLong(1) + 1);
            }
        });
    }

    /** Records a signed CRL with its audit record; a number already used fails on the primary key. */
    public AuditRecord record(BigInteger number, Instant thisUpdate, Instant nextUpdate, long revokedCount, String sha256, AuditEvent event) {
        return database.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO ca_crl (crl_number, this_update, next_update, revoked_count, crl_sha256) VALUES (?, ?, ?, ?, ?)")) {
                insert.setLong(1, number.longValueExact());
                insert.setLong(2, thisUpdate.toEpochMilli());
                insert.setLong(3, nextUpdate.toEpochMilli());
                insert.setLong(4, revokedCount);
                insert.setString(5, sha256);
                insert.executeUpdate();
            }
            return audit.append(connection, event);
        });
    }

    public Optional<CrlRecord> latest() {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT crl_number, this_update, next_update, revoked_count, crl_sha256 FROM ca_crl ORDER BY crl_number DESC LIMIT 1");
                 ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new CrlRecord(BigInteger.valueOf(rs.getLong(1)), Instant.ofEpochMilli(rs.getLong(2)), Instant.ofEpochMilli(rs.getLong(3)),
                        rs.getLong(4), rs.getString(5)));
            }
        });
    }
}
