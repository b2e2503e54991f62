package org.gridauth.ra.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** ra_license_ids. Every state change is one conditional UPDATE, so two requests can never both win. */
@Repository
public class LicenseStore {

    public enum State { ISSUED, CLAIMED, USED }

    public record LicenseRow(String id, String hpciId, State state, Instant issuedAt, Instant expiresAt, Instant usedAt, String serial) {
        public boolean expired(Instant now) {
            return state != State.USED && !now.isBefore(expiresAt);
        }
    }

    private static final String COLUMNS = "id, hpci_id, state, issued_at, expires_at, used_at, serial";

    private final JdbcTemplate jdbc;

    public LicenseStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    private LicenseRow map(java.sql.ResultSet rs) throws java.sql.SQLException {
        long used = rs.getLong(6);
        return new LicenseRow(rs.getString(1), rs.getString(2), State.valueOf(rs.getString(3)), Instant.ofEpochMilli(rs.getLong(4)),
                Instant.ofEpochMilli(rs.getLong(5)), rs.wasNull() || used == 0 ? null : Instant.ofEpochMilli(used), rs.getString(7));
    }

    public void insert(String id, String hash, String hpciId, Instant now, Instant expires) {
        jdbc.update("insert into ra_license_ids (id, id_hash, hpci_id, state, issued_at, expires_at) values (?, ?, ?, 'ISSUED', ?, ?)", id, hash, hpciId,
                now.toEpochMilli(), expires.toEpochMilli());
    }

    public Optional<LicenseRow> byHash(String hash) {
        return jdbc.query("select " + COLUMNS + " from ra_license_ids where id_hash = ?", (rs, n) -> map(rs), hash).stream().findFirst();
    }

    public Optional<LicenseRow> byId(String id) {
        return jdbc.query("select " + COLUMNS + " from ra_license_ids where id = ?", (rs, n) -> map(rs), id).stream().findFirst();
    }

    /** Unused and unexpired license IDs the person holds now. */
    public int held(String hpciId, Instant now) {
        Integer n = jdbc.queryForObject("select count(*) from ra_license_ids where hpci_id = ? and state in ('ISSUED', 'CLAIMED') and expires_at > ?",
                Integer.class, hpciId, now.toEpochMilli());
        return n == null ? 0 : n;
    }

    public List<LicenseRow> of(String hpciId) {
        return jdbc.query("select " + COLUMNS + " from ra_license_ids where hpci_id = ? order by issued_at desc", (rs, n) -> map(rs), hpciId);
    }

    /** ISSUED -> CLAIMED if unexpired; false when someone else claimed it first (double submission). */
    public boolean claim(String id, Instant now) {
        return jdbc.update("update ra_license_ids set state = 'CLAIMED', claimed_at = ? where id = ? and state = 'ISSUED' and expires_at > ?",
                now.toEpochMilli(), id, now.toEpochMilli()) == 1;
    }

    /** CLAIMED -> ISSUED after a refusal that issued nothing, so the person may correct the input and retry. */
    public void release(String id) {
        jdbc.update("update ra_license_ids set state = 'ISSUED', claimed_at = null where id = ? and state = 'CLAIMED'", id);
    }

    /** A claim older than this is taken to be from a request that died; {@link #claim} may retake it. */
    public void releaseStale(String id, Instant before) {
        jdbc.update("update ra_license_ids set state = 'ISSUED', claimed_at = null where id = ? and state = 'CLAIMED' and claimed_at < ?", id,
                before.toEpochMilli());
    }

    public void used(String id, String serial, Instant now) {
        jdbc.update("update ra_license_ids set state = 'USED', used_at = ?, serial = ? where id = ? and state = 'CLAIMED'", now.toEpochMilli(), serial, id);
    }
}
