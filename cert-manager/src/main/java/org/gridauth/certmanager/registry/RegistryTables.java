package org.gridauth.certmanager.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Reading and replacing the registry tables (package-private: the importer and the stores use it). */
final class RegistryTables {

    private static final int BATCH = 1000;

    private RegistryTables() {
    }

    static Map<String, Researcher> researchers(Connection c) throws SQLException {
        Map<String, Researcher> result = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT hpci_id, eppn, given_name, family_name, email, status FROM cm_researcher ORDER BY hpci_id")) {
            while (rs.next()) {
                result.put(rs.getString(1), new Researcher(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        ResearcherStatus.valueOf(rs.getString(6))));
            }
        }
        return result;
    }

    static Map<String, Project> projects(Connection c) throws SQLException {
        Map<String, List<Member>> members = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT project_id, hpci_id, vo_group, vo_role FROM cm_project_member ORDER BY project_id, hpci_id, vo_group, vo_role")) {
            while (rs.next()) {
                members.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Member(rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        Map<String, Project> result = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT project_id, name, vo, start_date, end_date FROM cm_project ORDER BY project_id")) {
            while (rs.next()) {
                result.put(rs.getString(1), new Project(rs.getString(1), rs.getString(2), rs.getString(3), LocalDate.parse(rs.getString(4)),
                        LocalDate.parse(rs.getString(5)), members.getOrDefault(rs.getString(1), List.of())));
            }
        }
        return result;
    }

    static Map<String, Resource> resources(Connection c) throws SQLException {
        Map<String, List<String>> admitted = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT resource_id, project_id FROM cm_resource_project ORDER BY resource_id, project_id")) {
            while (rs.next()) {
                admitted.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        Map<String, Resource> result = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT resource_id, site_id, name FROM cm_resource ORDER BY resource_id")) {
            while (rs.next()) {
                result.put(rs.getString(1), new Resource(rs.getString(1), rs.getString(2), rs.getString(3), admitted.getOrDefault(rs.getString(1), List.of())));
            }
        }
        return result;
    }

    static Map<String, Site> sites(Connection c) throws SQLException {
        Map<String, Site> result = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT site_id, host_dn FROM cm_site")) {
            while (rs.next()) {
                result.put(rs.getString(1), new Site(rs.getString(1), rs.getString(2)));
            }
        }
        return result;
    }

    static void replaceResearchers(Connection c, List<Researcher> researchers) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM cm_researcher");
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO cm_researcher (hpci_id, eppn, given_name, family_name, email, status) VALUES (?, ?, ?, ?, ?, ?)")) {
            int n = 0;
            for (Researcher r : researchers) {
                insert.setString(1, r.hpciId());
                insert.setString(2, r.eppn());
                insert.setString(3, r.givenName());
                insert.setString(4, r.familyName());
                insert.setString(5, r.email());
                insert.setString(6, r.status().name());
                insert.addBatch();
                if (++n % BATCH == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
    }

    static void replaceProjects(Connection c, List<Project> projects, ZoneId zone) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM cm_project_member");
            s.executeUpdate("DELETE FROM cm_project");
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO cm_project (project_id, name, vo, start_date, end_date, period_start, period_end) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (Project p : projects) {
                insert.setString(1, p.projectId());
                insert.setString(2, p.name());
                insert.setString(3, p.vo());
                insert.setString(4, p.start().toString());
                insert.setString(5, p.end().toString());
                insert.setLong(6, p.start().atStartOfDay(zone).toInstant().toEpochMilli());
                insert.setLong(7, p.end().plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO cm_project_member (project_id, hpci_id, vo_group, vo_role) VALUES (?, ?, ?, ?)")) {
            int n = 0;
            for (Project p : projects) {
                for (Member m : p.members()) {
                    insert.setString(1, p.projectId());
                    insert.setString(2, m.hpciId());
                    insert.setString(3, m.group());
                    insert.setString(4, m.role());
                    insert.addBatch();
                    if (++n % BATCH == 0) {
                        insert.executeBatch();
                    }
                }
            }
            insert.executeBatch();
        }
    }

    static void replaceResources(Connection c, List<Resource> resources) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM cm_resource_project");
            s.executeUpdate("DELETE FROM cm_resource");
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO cm_resource (resource_id, site_id, name) VALUES (?, ?, ?)")) {
            for (Resource r : resources) {
                insert.setString(1, r.resourceId());
                insert.setString(2, r.siteId());
                insert.setString(3, r.name());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO cm_resource_project (resource_id, project_id) VALUES (?, ?)")) {
            for (Resource r : resources) {
                for (String projectId : r.projectIds()) {
                    insert.setString(1, r.resourceId());
                    insert.setString(2, projectId);
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }

    /**
     * Everything a registry import can change about a researcher's entries at a site: researcher status and, per
     * resource of the site, the periods of the projects admitting them. Keyed by site and HPCI-ID.
     */
    static Map<String, Set<String>> siteAccess(Connection c) throws SQLException {
        Map<String, Set<String>> access = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT r.site_id, m.hpci_id, h.status, r.resource_id, p.period_start, p.period_end"
                     + " FROM cm_resource r JOIN cm_resource_project rp ON rp.resource_id = r.resource_id"
                     + " JOIN cm_project p ON p.project_id = rp.project_id"
                     + " JOIN cm_project_member m ON m.project_id = p.project_id"
                     + " LEFT JOIN cm_researcher h ON h.hpci_id = m.hpci_id")) {
            while (rs.next()) {
                access.computeIfAbsent(rs.getString(1) + '\u0000' + rs.getString(2), k -> new TreeSet<>())
                        .add(rs.getString(3) + ' ' + rs.getString(4) + ' ' + rs.getLong(5) + ' ' + rs.getLong(6));
            }
        }
        return access;
    }

    /** The (site, HPCI-ID) keys whose access differs between the two snapshots. */
    static List<String[]> accessChanges(Map<String, Set<String>> before, Map<String, Set<String>> after) {
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<String[]> changed = new ArrayList<>();
        for (String key : keys) {
            if (!Objects.equals(before.get(key), after.get(key))) {
                int split = key.indexOf('\u0000');
                changed.add(new String[] {key.substring(0, split), key.substring(split + 1)});
            }
        }
        return changed;
    }

    static void recordSiteChanges(Connection c, long seq, List<String[]> changes) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO cm_site_change (site_id, seq, hpci_id) VALUES (?, ?, ?)")) {
            int n = 0;
            for (String[] change : changes) {
                insert.setString(1, change[0]);
                insert.setLong(2, seq);
                insert.setString(3, change[1]);
                insert.addBatch();
                if (++n % BATCH == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
    }

    /** Registers the site or changes its host DN; false if it was registered with that DN already. */
    static boolean upsertSite(Connection c, Site site, String key, long now, String actor) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT host_dn_key FROM cm_site WHERE site_id = ?")) {
            select.setString(1, site.siteId());
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    if (rs.getString(1).equals(key)) {
                        return false;
                    }
                    try (PreparedStatement update = c.prepareStatement(
                            "UPDATE cm_site SET host_dn = ?, host_dn_key = ?, registered_at = ?, registered_by = ? WHERE site_id = ?")) {
                        update.setString(1, site.hostDn());
                        update.setString(2, key);
                        update.setLong(3, now);
                        update.setString(4, actor);
                        update.setString(5, site.siteId());
                        update.executeUpdate();
                        return true;
                    }
                }
            }
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO cm_site (site_id, host_dn, host_dn_key, registered_at, registered_by) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, site.siteId());
            insert.setString(2, site.hostDn());
            insert.setString(3, key);
            insert.setLong(4, now);
            insert.setString(5, actor);
            insert.executeUpdate();
            return true;
        }
    }
}
