package org.gridauth.ra.store;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/** ra_host_requests: host and service certificate requests (R-CA-10) and the operator's decision. */
@Repository
public class HostRequestStore {

    public enum State { PENDING, APPROVED, REJECTED, ISSUED }

    public record HostRequestRow(long id, String kind, String subject, String csrPem, String requesterHpciId, String requesterEppn, State state,
                                 Instant createdAt, String decidedBy, Instant decidedAt, String reason, String serial, String certificatePem) {
    }

    private static final String COLUMNS = "id, kind, subject, csr_pem, requester_hpci, requester_eppn, state, created_at, decided_by, decided_at, reason,"
            + " serial, certificate_pem";

    private final JdbcTemplate jdbc;

    public HostRequestStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    private HostRequestRow map(java.sql.ResultSet rs) throws java.sql.SQLException {
        long decided = rs.getLong(10);
        boolean noDecision = rs.wasNull();
        return new HostRequestRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                State.valueOf(rs.getString(7)), Instant.ofEpochMilli(rs.getLong(8)), rs.getString(9), noDecision ? null : Instant.ofEpochMilli(decided),
                rs.getString(11), rs.getString(12), rs.getString(13));
    }

    public long insert(String kind, String subject, String csrPem, String hpciId, String eppn, Instant now) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("insert into ra_host_requests (kind, subject, csr_pem, requester_hpci, requester_eppn, state,"
                    + " created_at) values (?, ?, ?, ?, ?, 'PENDING', ?)", new String[] {"id"});
            ps.setString(1, kind);
            ps.setString(2, subject);
            ps.setString(3, csrPem);
            ps.setString(4, hpciId);
            ps.setString(5, eppn);
            ps.setLong(6, now.toEpochMilli());
            return ps;
        }, keys);
        return keys.getKey().longValue();
    }

    public Optional<HostRequestRow> find(long id) {
        return jdbc.query("select " + COLUMNS + " from ra_host_requests where id = ?", (rs, n) -> map(rs), id).stream().findFirst();
    }

    public List<HostRequestRow> byRequester(String hpciId) {
        return jdbc.query("select " + COLUMNS + " from ra_host_requests where requester_hpci = ? order by id desc", (rs, n) -> map(rs), hpciId);
    }

    public List<HostRequestRow> recent(int limit) {
        return jdbc.query("select " + COLUMNS + " from ra_host_requests order by case when state = 'PENDING' then 0 else 1 end, id desc fetch first "
                + limit + " rows only", (rs, n) -> map(rs));
    }

    /** PENDING -> APPROVED or REJECTED; false when someone decided first. */
    public boolean decide(long id, State to, String by, String reason, Instant now) {
        return jdbc.update("update ra_host_requests set state = ?, decided_by = ?, decided_at = ?, reason = ? where id = ? and state = 'PENDING'",
                to.name(), by, now.toEpochMilli(), reason, id) == 1;
    }

    public void issued(long id, String serial, String certificatePem) {
        jdbc.update("update ra_host_requests set state = 'ISSUED', serial = ?, certificate_pem = ? where id = ?", serial, certificatePem, id);
    }

    /** An approval the CA refused goes back to PENDING so another operator can look at it again. */
    public void backToPending(long id) {
        jdbc.update("update ra_host_requests set state = 'PENDING', decided_by = null, decided_at = null where id = ? and state = 'APPROVED'", id);
    }

}
