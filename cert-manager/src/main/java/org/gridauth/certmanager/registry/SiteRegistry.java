package org.gridauth.certmanager.registry;

import java.security.cert.X509Certificate;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.certmanager.store.CmDatabase;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Resource sites allowed to read the feed (R-CM-3, R-RS-2), each by the subject DN of its host certificate. Sites
 * are registered by an operator here or by a provided-resource registry import with a {@code site_host_dn}
 * column; DNs compare as names (gsi-core's canonical form), so attribute-type case or RFC 2253 spelling do not
 * matter. Every change is audited.
 */
public final class SiteRegistry {

    private final CmDatabase database;
    private final Clock clock;

    public SiteRegistry(CmDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Registers a site, or changes its host DN (after a host certificate renewal with a new DN).
     *
     * @param hostDn the host certificate's subject, slash form ({@code /C=JP/O=.../CN=host.example.jp}) or RFC 2253
     * @throws GridAuthException GA-CM-105 for a malformed site ID or DN, or a DN registered for another site
     */
    public Site register(String siteId, String hostDn, String actor) {
        if (siteId == null || !RegistryValidator.ID.matcher(siteId).matches()) {
            throw new GridAuthException(CertManagerError.SITE_INVALID, siteId, "the site ID must be letters, digits, '.', '_' or '-', at most 64");
        }
        GridDn dn;
        try {
            if (hostDn == null || hostDn.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("control characters");
            }
            dn = GridDn.parse(hostDn);
            if (dn.isEmpty()) {
                throw new IllegalArgumentException("empty");
            }
        } catch (RuntimeException e) {
            throw new GridAuthException(CertManagerError.SITE_INVALID, siteId, "\"" + GridDn.printable(String.valueOf(hostDn)) + "\" is not a distinguished name");
        }
        Site site = new Site(siteId, dn.toOpenSsl());
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT site_id FROM cm_site WHERE host_dn_key = ? AND site_id <> ?")) {
                select.setString(1, dn.canonical());
                select.setString(2, siteId);
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        throw new GridAuthException(CertManagerError.SITE_INVALID, siteId, "the DN is registered for site \"" + rs.getString(1) + "\"");
                    }
                }
            }
            RegistryTables.upsertSite(c, site, dn.canonical(), clock.millis(), actor);
            AuditRecords.record(c, clock, actor, "site-register", siteId, "ok", "host DN " + site.hostDn());
            return site;
        });
    }

    /** Removes a site's registration: its host certificate can no longer read the feed. */
    public boolean unregister(String siteId, String actor) {
        return database.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM cm_site WHERE site_id = ?")) {
                delete.setString(1, siteId);
                boolean removed = delete.executeUpdate() > 0;
                AuditRecords.record(c, clock, actor, "site-unregister", siteId, removed ? "ok" : "refused", removed ? "" : "no such site");
                return removed;
            }
        });
    }

    public List<Site> sites() {
        return database.inTransaction(c -> new ArrayList<>(RegistryTables.sites(c).values()));
    }

    /** The site whose registered host DN is the certificate's subject. */
    public Optional<Site> forCertificate(X509Certificate certificate) {
        return forDn(GridDn.of(certificate.getSubjectX500Principal()));
    }

    public Optional<Site> forDn(GridDn dn) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT site_id, host_dn FROM cm_site WHERE host_dn_key = ?")) {
                select.setString(1, dn.canonical());
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(new Site(rs.getString(1), rs.getString(2))) : Optional.<Site>empty();
                }
            }
        });
    }
}
