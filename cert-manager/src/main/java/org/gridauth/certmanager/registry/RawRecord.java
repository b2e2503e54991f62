package org.gridauth.certmanager.registry;

import java.util.Map;

/**
 * One record as read from a registry source, before validation: column name to text (absent or empty = no
 * value), and the line (CSV, JSON) or row (JDBC) it came from, for error messages.
 */
public record RawRecord(int line, Map<String, String> fields) {

    public RawRecord {
        fields = Map.copyOf(fields);
    }

    /** The value of a column, stripped; empty if absent. */
    public String get(String column) {
        String value = fields.get(column);
        return value == null ? "" : value.strip();
    }
}
