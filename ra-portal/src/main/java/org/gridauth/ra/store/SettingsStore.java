package org.gridauth.ra.store;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** ra_settings: console-edited values by name. */
@Repository
public class SettingsStore {

    private final JdbcTemplate jdbc;

    public SettingsStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Map<String, String> all() {
        Map<String, String> values = new TreeMap<>();
        jdbc.query("select name, setting_value from ra_settings", rs -> {
            values.put(rs.getString(1), rs.getString(2));
        });
        return values;
    }

    public void put(String name, String value, String by, Instant now) {
        if (jdbc.update("update ra_settings set setting_value = ?, updated_by = ?, updated_at = ? where name = ?", value, by, now.toEpochMilli(), name) == 0) {
            jdbc.update("insert into ra_settings (name, setting_value, updated_by, updated_at) values (?, ?, ?, ?)", name, value, by, now.toEpochMilli());
        }
    }
}
