package org.gridauth.certmanager.feed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.certmanager.registry.AccessPolicy;
import org.gridauth.certmanager.registry.AccessStatus;
import org.gridauth.certmanager.registry.ChangeCounter;
import org.gridauth.certmanager.registry.ResearcherStatus;
import org.gridauth.gsi.error.GridAuthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a site's feed from the mapping database and the registries. Each read is a {@link Snapshot}: one
 * read-only transaction with snapshot isolation, so the cursor, the ETag and the entries describe the same state.
 *
 * <p>Full read: the entries that are {@link AccessStatus#VALID} now on the site's resources (see {@link
 * Snapshot#full}). Changes since a cursor (change C, time T) at read time t: every certificate that may have
 * changed, with its current status: (a) certificates with change_seq &gt; C of researchers with a membership (any
 * period) on one of the site's resources, (b) certificates of researchers whose access at the site a registry
 * import numbered &gt; C changed, (c) valid certificates of researchers as in (a) whose end of validity lies in
 * (T, t], and (d) valid certificates, not expired by T, of members of the site's projects whose period starts or
 * ends in (T, t] (one expired by T was reported as expired already and stays so). Reporting an entry that did not
 * change is harmless (its status is simply repeated); a change is never left out.
 */
public final class FeedStore {

    private static final Logger LOG = LoggerFactory.getLogger(FeedStore.class);
    private static final int BATCH = 500;
    private static final String ENTRY_COLUMNS = "c.serial, c.subject_dn, c.hpci_id, a.eppn, a.local_name, c.location, c.myproxy_username,"
            + " c.status, c.not_after, h.status";

    private final DataSource dataSource;
    private final Clock clock;

    public FeedStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Receives entries in serial order. */
    public interface EntrySink {
        void entry(FeedEntry entry) throws IOException;
    }

    /** Opens a consistent read of the database for one site; close it when the response is written. */
    public Snapshot open(String siteId) {
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            return new Snapshot(connection, siteId, clock.millis());
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new GridAuthException(CertManagerError.DATABASE_UNAVAILABLE, e, e.getMessage());
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing a feed connection", e);
            }
        }
    }

    /** One consistent read: the current cursor and ETag, and the full entries or the changes since a cursor. */
    public static final class Snapshot implements AutoCloseable {

        private final Connection connection;
        private final String siteId;
        private final long now;
        private final boolean h2;
        private final FeedCursor cursor;

        Snapshot(Connection connection, String siteId, long now) throws SQLException {
            this.connection = connection;
            this.siteId = siteId;
            this.now = now;
            this.h2 = connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("h2");
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            if (h2) {
                try (Statement s = connection.createStatement()) {
                    s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SNAPSHOT");
                    // Stream rows instead of materialising the whole result (which H2 spills to disk when large).
                    s.execute("SET LAZY_QUERY_EXECUTION TRUE");
                }
            } else {
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            }
            long change;
            long time;
            change = ChangeCounter.current(connection);
            try (PreparedStatement select = connection.prepareStatement("SELECT (SELECT MAX(not_after) FROM cm_credential WHERE not_after <= ?),"
                    + " (SELECT MAX(period_start) FROM cm_project WHERE period_start <= ?),"
                    + " (SELECT MAX(period_end) FROM cm_project WHERE period_end <= ?)")) {
                select.setLong(1, now);
                select.setLong(2, now);
                select.setLong(3, now);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    time = Math.max(rs.getLong(1), Math.max(rs.getLong(2), rs.getLong(3)));
                }
            }
            this.cursor = new FeedCursor(change, time);
        }

        /** Where a site stands after reading this snapshot. */
        public FeedCursor cursor() {
            return cursor;
        }

        /**
         * The strong ETag of the full response of this snapshot: a digest of the format, the site and the cursor,
         * which determine the full response's bytes (the cursor's time is the last time-based event, not the read
         * time). It changes with any change in the certificate manager, not only with this site's entries.
         */
        public String etag(String variant) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] digest = sha.digest((FeedJson.FORMAT + "\n" + siteId + "\n" + cursor + "\n" + variant).getBytes(StandardCharsets.UTF_8));
                return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 32) + "\"";
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Writes every entry valid now on the site's resources; returns how many. Three reads, none of them a join
         * the database has to sort: the site's resources and their projects (small), the members of the site's
         * current projects (grants by HPCI-ID, in memory), then the valid certificates in the order of the unique
         * index on their HPCI-ID, streamed. Entries come out ordered by HPCI-ID (one valid certificate each).
         */
        public long full(EntrySink sink) throws IOException {
            long count = 0;
            try {
                Map<String, List<AccessPolicy.Grant>> byProject = siteProjects();
                List<String> current = new ArrayList<>();
                byProject.forEach((project, grants) -> {
                    if (grants.stream().anyMatch(g -> g.currentAt(now))) {
                        current.add(project);
                    }
                });
                Map<String, List<AccessPolicy.Grant>> grants = new HashMap<>();
                for (int from = 0; from < current.size(); from += BATCH) {
                    List<String> batch = current.subList(from, Math.min(current.size(), from + BATCH));
                    try (PreparedStatement select = connection.prepareStatement("SELECT hpci_id, project_id FROM cm_project_member WHERE project_id IN ("
                            + String.join(",", Collections.nCopies(batch.size(), "?")) + ")")) {
                        bind(select, batch.toArray());
                        select.setFetchSize(1000);
                        try (ResultSet rs = select.executeQuery()) {
                            while (rs.next()) {
                                grants.computeIfAbsent(rs.getString(1), k -> new ArrayList<>(2)).addAll(byProject.get(rs.getString(2)));
                            }
                        }
                    }
                }
                if (grants.isEmpty()) {
                    return 0;
                }
                try (PreparedStatement select = connection.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM cm_credential c"
                        + " JOIN cm_account a ON a.hpci_id = c.hpci_id LEFT JOIN cm_researcher h ON h.hpci_id = c.valid_hpci_id"
                        + " WHERE c.valid_hpci_id IS NOT NULL ORDER BY c.valid_hpci_id")) {
                    select.setFetchSize(1000);
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            List<AccessPolicy.Grant> held = grants.get(rs.getString(3));
                            if (held == null) {
                                continue;
                            }
                            FeedEntry entry = Row.read(rs).entry(held, now);
                            if (entry.status() == AccessStatus.VALID) {
                                sink.entry(entry);
                                count++;
                            }
                        }
                    }
                }
            } catch (SQLException e) {
                throw new GridAuthException(CertManagerError.DATABASE_UNAVAILABLE, e, e.getMessage());
            }
            return count;
        }

        /** The site's projects, each with a grant per site resource admitting it (any period). */
        private Map<String, List<AccessPolicy.Grant>> siteProjects() throws SQLException {
            Map<String, List<AccessPolicy.Grant>> byProject = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT rp.project_id, r.resource_id, p.period_start, p.period_end"
                    + " FROM cm_resource r JOIN cm_resource_project rp ON rp.resource_id = r.resource_id"
                    + " JOIN cm_project p ON p.project_id = rp.project_id WHERE r.site_id = ?")) {
                select.setString(1, siteId);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        byProject.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                                .add(new AccessPolicy.Grant(rs.getString(2), rs.getLong(3), rs.getLong(4)));
                    }
                }
            }
            return byProject;
        }

        /**
         * Writes the entries that may have changed since the cursor, each with its status now, in serial order;
         * returns how many.
         *
         * @throws GridAuthException GA-CM-104 if the cursor is ahead of this database (the site must read in full)
         */
        public long changesSince(FeedCursor since, EntrySink sink) throws IOException {
            if (since.change() > cursor.change()) {
                throw new GridAuthException(CertManagerError.FEED_CURSOR_AHEAD, since, cursor.change());
            }
            try {
                // Serial -> whether the site must hear of it even without a membership at the site now (the import
                // change log and project boundaries name site-related entries; the others are filtered below).
                TreeMap<String, Boolean> serials = new TreeMap<>();
                collect(serials, false, "SELECT c.serial FROM cm_credential c WHERE c.change_seq > ?", since.change());
                collect(serials, true, "SELECT c.serial FROM cm_site_change sc JOIN cm_credential c ON c.hpci_id = sc.hpci_id"
                        + " WHERE sc.site_id = ? AND sc.seq > ? AND (c.status = 'VALID' OR c.change_seq > ?)", siteId, since.change(), since.change());
                if (since.time() < now) {
                    collect(serials, false, "SELECT c.serial FROM cm_credential c WHERE c.status = 'VALID' AND c.not_after > ? AND c.not_after <= ?",
                            since.time(), now);
                    collect(serials, true, "SELECT c.serial FROM cm_project p JOIN cm_resource_project rp ON rp.project_id = p.project_id"
                            + " JOIN cm_resource r ON r.resource_id = rp.resource_id JOIN cm_project_member m ON m.project_id = p.project_id"
                            + " JOIN cm_credential c ON c.valid_hpci_id = m.hpci_id WHERE r.site_id = ? AND c.not_after > ?"
                            + " AND ((p.period_start > ? AND p.period_start <= ?) OR (p.period_end > ? AND p.period_end <= ?))",
                            siteId, since.time(), since.time(), now, since.time(), now);
                }
                long count = 0;
                Map<String, List<AccessPolicy.Grant>> byProject = siteProjects();
                List<String> all = new ArrayList<>(serials.keySet());
                for (int from = 0; from < all.size(); from += BATCH) {
                    List<String> batch = all.subList(from, Math.min(all.size(), from + BATCH));
                    List<Row> rows = rows(batch);
                    Map<String, List<AccessPolicy.Grant>> grants = grants(rows, byProject);
                    for (Row row : rows) {
                        List<AccessPolicy.Grant> held = grants.get(row.hpciId);
                        if (held == null && !serials.get(row.serial)) {
                            continue;  // a researcher this site has nothing to do with
                        }
                        sink.entry(row.entry(held == null ? List.of() : held, now));
                        count++;
                    }
                }
                return count;
            } catch (SQLException e) {
                throw new GridAuthException(CertManagerError.DATABASE_UNAVAILABLE, e, e.getMessage());
            }
        }

        private void collect(TreeMap<String, Boolean> serials, boolean siteRelated, String sql, Object... parameters) throws SQLException {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                bind(select, parameters);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        serials.merge(rs.getString(1), siteRelated, Boolean::logicalOr);
                    }
                }
            }
        }

        private List<Row> rows(List<String> serials) throws SQLException {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM cm_credential c"
                    + " JOIN cm_account a ON a.hpci_id = c.hpci_id LEFT JOIN cm_researcher h ON h.hpci_id = c.hpci_id"
                    + " WHERE c.serial IN (" + String.join(",", Collections.nCopies(serials.size(), "?")) + ")")) {
                bind(select, serials.toArray());
                List<Row> rows = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(Row.read(rs));
                    }
                }
                rows.sort((x, y) -> x.serial.compareTo(y.serial));
                return rows;
            }
        }

        /** The site grants of the researchers of these rows: their memberships (by the HPCI-ID index) x the site's projects. */
        private Map<String, List<AccessPolicy.Grant>> grants(List<Row> rows, Map<String, List<AccessPolicy.Grant>> byProject) throws SQLException {
            Map<String, List<AccessPolicy.Grant>> grants = new HashMap<>();
            List<String> ids = rows.stream().map(r -> r.hpciId).distinct().toList();
            if (ids.isEmpty()) {
                return grants;
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT hpci_id, project_id FROM cm_project_member WHERE hpci_id IN ("
                    + String.join(",", Collections.nCopies(ids.size(), "?")) + ")")) {
                bind(select, ids.toArray());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        List<AccessPolicy.Grant> site = byProject.get(rs.getString(2));
                        if (site != null) {
                            grants.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).addAll(site);
                        }
                    }
                }
            }
            return grants;
        }

        private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] instanceof Long l) {
                    statement.setLong(i + 1, l);
                } else {
                    statement.setString(i + 1, (String) parameters[i]);
                }
            }
        }

        @Override
        public void close() {
            try {
                connection.rollback();
                if (h2) {
                    try (Statement s = connection.createStatement()) {
                        s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED");
                        s.execute("SET LAZY_QUERY_EXECUTION FALSE");
                    }
                } else {
                    connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                }
                connection.setReadOnly(false);
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                LOG.debug("resetting a feed connection", e);
            } finally {
                closeQuietly(connection);
            }
        }
    }

    /** The columns of ENTRY_COLUMNS of one row. */
    private record Row(String serial, String subjectDn, String hpciId, String eppn, String localName, String location, String myproxyUser,
                       String credentialStatus, long notAfter, String researcherStatus) {

        static Row read(ResultSet rs) throws SQLException {
            return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                    rs.getString(8), rs.getLong(9), rs.getString(10));
        }

        FeedEntry entry(List<AccessPolicy.Grant> grants, long now) {
            ResearcherStatus researcher = researcherStatus == null ? null : ResearcherStatus.valueOf(researcherStatus);
            AccessPolicy.Decision decision = AccessPolicy.decide(credentialStatus, notAfter, researcher, grants, now);
            boolean myproxy = "MYPROXY".equals(location) && myproxyUser != null;
            SortedSet<String> resources = decision.resources();
            return new FeedEntry(serial, subjectDn, hpciId, eppn, myproxy ? myproxyUser : localName, location.toLowerCase(java.util.Locale.ROOT),
                    notAfter, decision.status(), resources);
        }
    }
}
