package org.gridauth.certmanager.registry;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.gridauth.certmanager.store.CmDatabase;

/**
 * Test fixture: rows of the mapping database (cm_account, cm_credential) written directly, each change numbered
 * with CmDatabase.nextChange in its transaction as the credential store does, and the audit trail read back.
 */
public final class MappingFixture {

    public final DataSource dataSource;
    public final CmDatabase database;

    public MappingFixture(DataSource dataSource) {
        this.dataSource = dataSource;
        this.database = new CmDatabase(dataSource);
    }

    public void account(String hpciId, String localName, String eppn) {
        database.inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO cm_account (hpci_id, local_name, eppn, email, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)")) {
                insert.setString(1, hpciId);
                insert.setString(2, localName);
                insert.setString(3, eppn);
                insert.setString(4, localName + "@example.org");
                insert.executeUpdate();
            }
            return null;
        });
    }

    /** A VALID credential kept in the store (location STORE). */
    public void credential(String serial, String hpciId, String dn, Instant notAfter) {
        credential(serial, hpciId, dn, notAfter, "STORE", null);
    }

    public void credential(String serial, String hpciId, String dn, Instant notAfter, String location, String myproxyUser) {
        database.inTransaction(c -> {
            long seq = CmDatabase.nextChange(c);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO cm_credential (serial, hpci_id, valid_hpci_id, subject_dn, common_name,"
                    + " certificate_pem, location, myproxy_username, status, not_before, not_after, issued_at, change_seq)"
                    + " VALUES (?, ?, ?, ?, ?, 'PEM', ?, ?, 'VALID', 0, ?, 0, ?)")) {
                insert.setString(1, serial);
                insert.setString(2, hpciId);
                insert.setString(3, hpciId);
                insert.setString(4, dn);
                insert.setString(5, dn.substring(dn.lastIndexOf("CN=") + 3));
                insert.setString(6, location);
                insert.setString(7, myproxyUser);
                insert.setLong(8, notAfter.toEpochMilli());
                insert.setLong(9, seq);
                insert.executeUpdate();
            }
            return null;
        });
    }

    /** Sets a credential's status (REVOKED or SUPERSEDED), as revocation or renewal does. */
    public void setStatus(String serial, String status) {
        database.inTransaction(c -> {
            long seq = CmDatabase.nextChange(c);
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE cm_credential SET status = ?, valid_hpci_id = NULL, revoked_at = 1, change_seq = ? WHERE serial = ?")) {
                update.setString(1, status);
                update.setLong(2, seq);
                update.setString(3, serial);
                if (update.executeUpdate() != 1) {
                    throw new IllegalArgumentException("no credential " + serial);
                }
            }
            return null;
        });
    }

    /** A change elsewhere in the certificate manager (another researcher's certificate): advances the counter only. */
    public long unrelatedChange() {
        return database.inTransaction(CmDatabase::nextChange);
    }

    public long counter() {
        return database.inTransaction(ChangeCounter::current);
    }

    /** Audit records as "action outcome subject: detail", oldest first. */
    public List<String> audit() {
        return database.inTransaction(c -> {
            List<String> records = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT actor, action, outcome, subject, detail FROM cm_audit ORDER BY id");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    records.add(rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " by " + rs.getString(1) + ": " + rs.getString(5));
                }
            }
            return records;
        });
    }
}
