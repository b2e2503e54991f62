package org.gridauth.certmanager.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Accounts and client credentials (R-CM-1) and with them the mapping database (R-CM-3): every certificate stays
 * on record whatever became of its key. Each change takes a change number in its own transaction.
 */
public final class JdbcCredentialStore {

    private static final String COLUMNS = "serial, hpci_id, subject_dn, common_name, certificate_pem, encrypted_key, location, "
            + "myproxy_username, status, not_before, not_after, issued_at, revoked_at, revocation_reason, change_seq";

    private final CmDatabase database;
    private final Clock clock;

    public JdbcCredentialStore(CmDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Creates the account or checks it against the one on record: an HPCI-ID keeps its ePPN and local name (a
     * change of ePPN is an office matter, not something a portal request may do); the e-mail address follows the
     * latest request.
     */
    public Account ensureAccount(Account wanted) {
        try {
            return ensureAccountOnce(wanted);
        } catch (GridAuthException e) {
            if (e.code() != CertManagerError.ACCOUNT_CONFLICT || account(wanted.hpciId()).isEmpty()) {
                throw e;
            }
            // Another certificate manager on this database created the same account at the same moment (found by
            // TwoInstancesTest): checked again against the row it wrote.
            return ensureAccountOnce(wanted);
        }
    }

    private Account ensureAccountOnce(Account wanted) {
        return database.inTransaction(c -> {
            Optional<Account> existing = account(c, wanted.hpciId());
            long now = clock.millis();
            if (existing.isPresent()) {
                Account account = existing.get();
                if (!account.eppn().equals(wanted.eppn())) {
                    throw new GridAuthException(CertManagerError.ACCOUNT_CONFLICT,
                            "HPCI-ID " + wanted.hpciId() + " is on record with another ePPN");
                }
                if (wanted.email() != null && !wanted.email().equals(account.email())) {
                    try (PreparedStatement s = c.prepareStatement("UPDATE cm_account SET email = ?, updated_at = ? WHERE hpci_id = ?")) {
                        s.setString(1, wanted.email());
                        s.setLong(2, now);
                        s.setString(3, wanted.hpciId());
                        s.executeUpdate();
                    }
                    return new Account(account.hpciId(), account.localName(), account.eppn(), wanted.email());
                }
                return account;
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO cm_account (hpci_id, local_name, eppn, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, wanted.hpciId());
                s.setString(2, wanted.localName());
                s.setString(3, wanted.eppn());
                s.setString(4, wanted.email());
                s.setLong(5, now);
                s.setLong(6, now);
                s.executeUpdate();
            } catch (SQLException e) {
                if (CmDatabase.isUniqueViolation(e)) {
                    throw new GridAuthException(CertManagerError.ACCOUNT_CONFLICT, "the local name " + wanted.localName() + " is taken");
                }
                throw e;
            }
            return wanted;
        });
    }

    public Optional<Account> account(String hpciId) {
        return database.inTransaction(c -> account(c, hpciId));
    }

    private static Optional<Account> account(Connection c, String hpciId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT hpci_id, local_name, eppn, email FROM cm_account WHERE hpci_id = ?")) {
            s.setString(1, hpciId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Account(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))) : Optional.empty();
            }
        }
    }

    /**
     * Records a newly issued certificate; the account's previous valid certificate, if any, becomes SUPERSEDED in
     * the same transaction (the CA superseded it too).
     */
    public CredentialRecord recordIssued(CredentialRecord issued) {
        return database.inTransaction(c -> {
            long seq = CmDatabase.nextChange(c);
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE cm_credential SET status = 'SUPERSEDED', valid_hpci_id = NULL, encrypted_key = NULL, change_seq = ? "
                            + "WHERE valid_hpci_id = ?")) {
                s.setLong(1, seq);
                s.setString(2, issued.hpciId());
                s.executeUpdate();
            }
            CredentialRecord row = withSeq(issued, seq);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO cm_credential (" + COLUMNS + ", valid_hpci_id) VALUES "
                    + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(s, row);
                s.setString(16, row.status() == CredentialStatus.VALID ? row.hpciId() : null);
                s.executeUpdate();
            }
            return row;
        });
    }

    /** The key went to MyProxy: the store forgets it, the mapping keeps where it is. */
    public void movedToMyProxy(String serial, String myproxyUsername) {
        database.inTransaction(c -> {
            long seq = CmDatabase.nextChange(c);
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE cm_credential SET location = 'MYPROXY', myproxy_username = ?, encrypted_key = NULL, change_seq = ? WHERE serial = ?")) {
                s.setString(1, myproxyUsername);
                s.setLong(2, seq);
                s.setString(3, serial);
                return s.executeUpdate();
            }
        });
    }

    /** Marks a certificate revoked (R-RS-4: sites drop it at their next sync). */
    public boolean markRevoked(String serial, Instant at, String reason) {
        return database.inTransaction(c -> {
            long seq = CmDatabase.nextChange(c);
            try (PreparedStatement s = c.prepareStatement("UPDATE cm_credential SET status = 'REVOKED', valid_hpci_id = NULL, "
                    + "encrypted_key = NULL, revoked_at = ?, revocation_reason = ?, change_seq = ? WHERE serial = ? AND status <> 'REVOKED'")) {
                s.setLong(1, at.toEpochMilli());
                s.setString(2, reason);
                s.setLong(3, seq);
                s.setString(4, serial);
                return s.executeUpdate() == 1;
            }
        });
    }

    /** The account's VALID certificate, if any (expired ones included: the caller checks the time). */
    public Optional<CredentialRecord> validCredential(String hpciId) {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM cm_credential WHERE valid_hpci_id = ?")) {
                s.setString(1, hpciId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    public Optional<CredentialRecord> bySerial(String serial) {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM cm_credential WHERE serial = ?")) {
                s.setString(1, serial);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Every certificate of the account, newest first: the history of past certificates. */
    public List<CredentialRecord> history(String hpciId) {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM cm_credential WHERE hpci_id = ? ORDER BY issued_at DESC")) {
                s.setString(1, hpciId);
                List<CredentialRecord> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Whether a CN is taken by someone else (R-RA-4): a certificate of another HPCI-ID that is valid and not expired.
     * The researcher's own earlier certificates do not count, so renewal keeps the CN.
     */
    public boolean commonNameInUse(String commonName, String hpciId) {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM cm_credential WHERE common_name = ? AND status = 'VALID' "
                    + "AND not_after > ? AND hpci_id <> ?")) {
                s.setString(1, commonName);
                s.setLong(2, clock.millis());
                s.setString(3, hpciId == null ? "" : hpciId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    private static CredentialRecord withSeq(CredentialRecord r, long seq) {
        return new CredentialRecord(r.serial(), r.hpciId(), r.subjectDn(), r.commonName(), r.certificatePem(), r.encryptedKey(), r.location(),
                r.myproxyUsername(), r.status(), r.notBefore(), r.notAfter(), r.issuedAt(), r.revokedAt(), r.revocationReason(), seq);
    }

    private static void bind(PreparedStatement s, CredentialRecord r) throws SQLException {
        s.setString(1, r.serial());
        s.setString(2, r.hpciId());
        s.setString(3, r.subjectDn());
        s.setString(4, r.commonName());
        s.setString(5, r.certificatePem());
        s.setString(6, r.encryptedKey());
        s.setString(7, r.location().name());
        s.setString(8, r.myproxyUsername());
        s.setString(9, r.status().name());
        s.setLong(10, r.notBefore().toEpochMilli());
        s.setLong(11, r.notAfter().toEpochMilli());
        s.setLong(12, r.issuedAt().toEpochMilli());
        if (r.revokedAt() == null) {
            s.setNull(13, Types.BIGINT);
        } else {
            s.setLong(13, r.revokedAt().toEpochMilli());
        }
        s.setString(14, r.revocationReason());
        s.setLong(15, r.changeSeq());
    }

    private static CredentialRecord row(ResultSet rs) throws SQLException {
        long revoked = rs.getLong(13);
        Instant revokedAt = rs.wasNull() ? null : Instant.ofEpochMilli(revoked);
        return new CredentialRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                Location.valueOf(rs.getString(7)), rs.getString(8), CredentialStatus.valueOf(rs.getString(9)), Instant.ofEpochMilli(rs.getLong(10)),
                Instant.ofEpochMilli(rs.getLong(11)), Instant.ofEpochMilli(rs.getLong(12)), revokedAt, rs.getString(14), rs.getLong(15));
    }
}
