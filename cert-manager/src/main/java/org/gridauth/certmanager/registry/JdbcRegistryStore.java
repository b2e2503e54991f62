package org.gridauth.certmanager.registry;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

import org.gridauth.certmanager.store.CmDatabase;

/** {@link RegistryStore} on the certificate manager's database (H2 or PostgreSQL). */
public final class JdbcRegistryStore implements RegistryStore {

    private final CmDatabase database;
    private final Clock clock;

    public JdbcRegistryStore(CmDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public Optional<Researcher> researcher(String hpciId) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT hpci_id, eppn, given_name, family_name, email, status FROM cm_researcher WHERE hpci_id = ?")) {
                select.setString(1, hpciId);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new Researcher(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                    ResearcherStatus.valueOf(rs.getString(6))))
                            : Optional.<Researcher>empty();
                }
            }
        });
    }

    @Override
    public List<Membership> currentMemberships(String hpciId) {
        long now = clock.millis();
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT p.project_id, p.vo, m.vo_group, m.vo_role FROM cm_project_member m"
                    + " JOIN cm_project p ON p.project_id = m.project_id"
                    + " JOIN cm_researcher h ON h.hpci_id = m.hpci_id"
                    + " WHERE m.hpci_id = ? AND h.status = 'ACTIVE' AND p.period_start <= ? AND p.period_end > ?"
                    + " ORDER BY p.project_id, m.vo_group, m.vo_role")) {
                select.setString(1, hpciId);
                select.setLong(2, now);
                select.setLong(3, now);
                List<Membership> result = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        result.add(new Membership(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                    }
                }
                return result;
            }
        });
    }

    @Override
    public SortedSet<String> vomsAttributes(String hpciId) {
        SortedSet<String> fqans = new TreeSet<>();
        for (Membership membership : currentMemberships(hpciId)) {
            // VOMS: a member of /vo/a/b is a member of /vo/a and of /vo as well.
            fqans.add("/" + membership.vo());
            String group = "";
            for (String segment : membership.group().isEmpty() ? new String[0] : membership.group().split("/")) {
                group = group.isEmpty() ? segment : group + "/" + segment;
                fqans.add(new Member("", group, "").fqan(membership.vo()));
            }
            fqans.add(membership.fqan());
        }
        return fqans;
    }
}
