package org.gridauth.ra.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** ra_people: the HPCI-ID to ePPN binding (R-CA-4) and the license-ID counter (R-RA-2). */
@Repository
public class PeopleStore {

    /** One row. */
    public record PersonRow(String hpciId, String eppn, String displayName, String mail, Instant firstSeen, Instant lastSeen, int licensesTotal) {
    }

    private final JdbcTemplate jdbc;

    public PeopleStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    private static final String COLUMNS = "hpci_id, eppn, display_name, mail, first_seen, last_seen, licenses_total";

    private PersonRow map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new PersonRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)),
                Instant.ofEpochMilli(rs.getLong(6)), rs.getInt(7));
    }

    public Optional<PersonRow> find(String hpciId) {
        return jdbc.query("select " + COLUMNS + " from ra_people where hpci_id = ?", (rs, n) -> map(rs), hpciId).stream().findFirst();
    }

    public Optional<PersonRow> byEppn(String eppn) {
        return jdbc.query("select " + COLUMNS + " from ra_people where eppn = ?", (rs, n) -> map(rs), eppn).stream().findFirst();
    }

    /** Locks the person's row for the rest of the transaction (serialises license-ID issuance per person). */
    public Optional<PersonRow> lock(String hpciId) {
        return jdbc.query("select " + COLUMNS + " from ra_people where hpci_id = ? for update", (rs, n) -> map(rs), hpciId).stream().findFirst();
    }

    /** Records a sign-on; false when the row exists with another ePPN (the caller refuses). */
    public boolean seen(String hpciId, String eppn, String displayName, String mail, Instant now) {
        int updated = jdbc.update("update ra_people set display_name = ?, mail = ?, last_seen = ? where hpci_id = ? and eppn = ?", displayName, mail,
                now.toEpochMilli(), hpciId, eppn);
        if (updated == 1) {
            return true;
        }
        if (find(hpciId).isPresent() || byEppn(eppn).isPresent()) {
            return false;
        }
        try {
            jdbc.update("insert into ra_people (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, 0)", hpciId, eppn, displayName, mail, now.toEpochMilli(),
                    now.toEpochMilli());
            return true;
        } catch (org.springframework.dao.DuplicateKeyException e) {
            // Two first sign-ons at once: the other one inserted; it is the same person only if both columns agree.
            return find(hpciId).map(p -> p.eppn().equals(eppn)).orElse(false);
        }
    }

    public void countLicense(String hpciId) {
        jdbc.update("update ra_people set licenses_total = licenses_total + 1 where hpci_id = ?", hpciId);
    }

    /** Console search by HPCI-ID, ePPN or name (substring, case-insensitive). */
    public List<PersonRow> search(String text, int limit) {
        String like = "%" + text.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return jdbc.query("select " + COLUMNS + " from ra_people where lower(hpci_id) like ? escape '\\' or lower(eppn) like ? escape '\\'"
                + " or lower(display_name) like ? escape '\\' order by hpci_id fetch first " + limit + " rows only", (rs, n) -> map(rs), like, like, like);
    }
}
