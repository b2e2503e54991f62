package org.gridauth.ra.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** ra_access_log (R-RA-9), searched by the console. */
@Repository
public class AccessLogStore {

    /** One access-log record. */
    public record AccessRecord(long id, Instant at, String hpciId, String eppn, String role, String operation, String result, String detail,
                               String licenseRef, String serial, String address) {
    }

    /** Console filters; null means any. */
    public record Filter(String hpciId, String eppn, String operation, String result, Instant from, Instant to) {
    }

    private final JdbcTemplate jdbc;

    public AccessLogStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(AccessRecord r) {
        jdbc.update("insert into ra_access_log (at_ms, hpci_id, eppn, actor_role, operation, result, detail, license_ref, serial, address)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", r.at().toEpochMilli(), r.hpciId(), r.eppn(), r.role(), r.operation(), r.result(),
                r.detail(), r.licenseRef(), r.serial(), r.address());
    }

    public List<AccessRecord> search(Filter f, int limit) {
        StringBuilder sql = new StringBuilder("select id, at_ms, hpci_id, eppn, actor_role, operation, result, detail, license_ref, serial, address"
                + " from ra_access_log where 1 = 1");
        List<Object> args = new ArrayList<>();
        if (f.hpciId() != null) {
            sql.append(" and hpci_id = ?");
            args.add(f.hpciId());
        }
        if (f.eppn() != null) {
            sql.append(" and eppn = ?");
            args.add(f.eppn());
        }
        if (f.operation() != null) {
            sql.append(" and operation = ?");
            args.add(f.operation());
        }
        if (f.result() != null) {
            sql.append(" and result = ?");
            args.add(f.result());
        }
        if (f.from() != null) {
            sql.append(" and at_ms >= ?");
            args.add(f.from().toEpochMilli());
        }
        if (f.to() != null) {
            sql.append(" and at_ms < ?");
            args.add(f.to().toEpochMilli());
        }
        sql.append(" order by id desc fetch first ").append(limit).append(" rows only");
        return jdbc.query(sql.toString(), (rs, n) -> new AccessRecord(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                rs.getString(11)), args.toArray());
    }
}
