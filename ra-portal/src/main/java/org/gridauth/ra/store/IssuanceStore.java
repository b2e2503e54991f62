package org.gridauth.ra.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** ra_issuances: the client certificates issued through the portal, one per license ID (primary key). */
@Repository
public class IssuanceStore {

    public record IssuanceRow(String licenseId, String hpciId, String commonName, String subject, String serial, String destination, Instant notAfter,
                              Instant issuedAt) {
    }

    private static final String COLUMNS = "license_id, hpci_id, common_name, subject, serial, destination, not_after, issued_at";

    private final JdbcTemplate jdbc;

    public IssuanceStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    private IssuanceRow map(java.sql.ResultSet rs) throws java.sql.SQLException {
        long notAfter = rs.getLong(7);
        return new IssuanceRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.wasNull() ? null : Instant.ofEpochMilli(notAfter), Instant.ofEpochMilli(rs.getLong(8)));
    }

    public void insert(IssuanceRow row) {
        jdbc.update("insert into ra_issuances (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?)", row.licenseId(), row.hpciId(), row.commonName(),
                row.subject(), row.serial(), row.destination(), row.notAfter() == null ? null : row.notAfter().toEpochMilli(),
                row.issuedAt().toEpochMilli());
    }

    public Optional<IssuanceRow> byLicense(String licenseId) {
        return jdbc.query("select " + COLUMNS + " from ra_issuances where license_id = ?", (rs, n) -> map(rs), licenseId).stream().findFirst();
    }

    public List<IssuanceRow> of(String hpciId) {
        return jdbc.query("select " + COLUMNS + " from ra_issuances where hpci_id = ? order by issued_at desc", (rs, n) -> map(rs), hpciId);
    }

    /** Console search by serial (exact, hex, case-insensitive) or common name (substring). */
    public List<IssuanceRow> search(String text, int limit) {
        String like = "%" + text.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return jdbc.query("select " + COLUMNS + " from ra_issuances where lower(serial) = ? or lower(common_name) like ? escape '\\'"
                + " order by issued_at desc fetch first " + limit + " rows only", (rs, n) -> map(rs), text.toLowerCase(java.util.Locale.ROOT), like);
    }
}
