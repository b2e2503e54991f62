package org.gridauth.certmanager.registry;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Reads the current value of the change counter (cm_change_counter, advanced by {@code CmDatabase.nextChange}).
 * Numbers are handed out in commit order, so a value read here means every change numbered up to it is committed.
 */
public final class ChangeCounter {

    private ChangeCounter() {
    }

    /** The last change number handed out and committed (0 before the first change). */
    public static long current(Connection connection) throws SQLException {
        // The counter's one value column is found by position rather than name: CmDatabase owns the column's name.
        try (Statement select = connection.createStatement(); ResultSet rs = select.executeQuery("SELECT * FROM cm_change_counter WHERE id = 1")) {
            if (!rs.next()) {
                throw new SQLException("cm_change_counter has no row 1");
            }
            ResultSetMetaData meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                if (!meta.getColumnLabel(i).toLowerCase(Locale.ROOT).equals("id")) {
                    return rs.getLong(i);
                }
            }
            throw new SQLException("cm_change_counter has no value column");
        }
    }
}
