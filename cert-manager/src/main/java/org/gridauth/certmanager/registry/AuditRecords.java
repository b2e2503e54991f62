package org.gridauth.certmanager.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;

/** Writes cm_audit records of the registries and the feed: who, when, what, on what, outcome, detail. */
public final class AuditRecords {

    private AuditRecords() {
    }

    /** Inserts one record in the caller's transaction; long texts are cut to the column sizes. */
    public static void record(Connection connection, Clock clock, String actor, String action, String subject, String outcome, String detail)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO cm_audit (at, actor, action, subject, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, clock.millis());
            insert.setString(2, cut(actor, 1024));
            insert.setString(3, cut(action, 64));
            insert.setString(4, cut(subject, 1024));
            insert.setString(5, cut(outcome, 16));
            insert.setString(6, cut(detail, 4096));
            insert.executeUpdate();
        }
    }

    private static String cut(String text, int max) {
        String value = text == null ? "" : text;
        return value.length() <= max ? value : value.substring(0, max - 3) + "...";
    }
}
