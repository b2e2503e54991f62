package org.gridauth.certmanager.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit records of every request the certificate manager answered, refused or not. Callers pass no secrets; the
 * detail is cut to the column's size.
 */
public final class JdbcAuditLog {

    /** One audit record. */
    public record AuditEntry(Instant at, String actor, String action, String subject, String outcome, String detail) {
    }

    private static final Logger LOG = LoggerFactory.getLogger("org.gridauth.certmanager.audit");

    private final CmDatabase database;
    private final Clock clock;

    public JdbcAuditLog(CmDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    public void record(String actor, String action, String subject, String outcome, String detail) {
        String text = detail == null ? "" : detail.length() > 4000 ? detail.substring(0, 4000) : detail;
        LOG.info("{} {} {} {}: {}", actor, action, subject, outcome, text);
        database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO cm_audit (at, actor, action, subject, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setLong(1, clock.millis());
                s.setString(2, cut(actor, 1024));
                s.setString(3, cut(action, 64));
                s.setString(4, cut(subject, 1024));
                s.setString(5, cut(outcome, 16));
                s.setString(6, text);
                return s.executeUpdate();
            }
        });
    }

    /** The newest records first, for the admin and for tests. */
    public List<AuditEntry> recent(int limit) {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT at, actor, action, subject, outcome, detail FROM cm_audit ORDER BY id DESC")) {
                s.setMaxRows(limit);
                List<AuditEntry> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AuditEntry(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6)));
                    }
                }
                return out;
            }
        });
    }

    private static String cut(String value, int max) {
        String v = value == null ? "" : value;
        return v.length() > max ? v.substring(0, max) : v;
    }
}
