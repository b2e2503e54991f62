package org.gridauth.certmanager.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.gridauth.certmanager.store.CmDatabase;
import org.gridauth.gsi.error.GridAuthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports the HPCI office registries (R-CM-4). One call reads one, two or all three registries, validates them
 * together (references into a registry not imported are checked against the one in the certificate manager),
 * and either replaces them in one transaction or refuses the whole import with every problem and its line
 * (GA-CM-100). Either way an audit record says who imported what from where, with counts.
 *
 * <p>An accepted import takes one change number from the counter shared with the mapping database and records
 * each (site, researcher) whose access it changed (status, membership, project period, resources), so that the
 * sites' incremental feed reports those entries. Taking the number first also serialises imports with each other
 * and with certificate changes for the duration of the import (seconds for 100,000 researchers).
 */
public final class RegistryImporter {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryImporter.class);
    /** Project dates are calendar dates of the HPCI office, in Japan. */
    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Tokyo");

    private final CmDatabase database;
    private final Clock clock;
    private final ZoneId zone;

    public RegistryImporter(CmDatabase database, Clock clock, ZoneId zone) {
        this.database = database;
        this.clock = clock;
        this.zone = zone;
    }

    /** Imports one registry. */
    public ImportReport importRegistry(RegistryKind kind, RegistrySource source, String actor) {
        return importRegistries(Map.of(kind, source), actor);
    }

    /**
     * Imports the given registries together, all or nothing.
     *
     * @throws RegistryImportException GA-CM-100 listing every problem with its line; nothing was changed
     * @throws GridAuthException       GA-CM-101 if a source cannot be read; nothing was changed
     */
    public ImportReport importRegistries(Map<RegistryKind, RegistrySource> sources, String actor) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no registry to import");
        }
        Map<RegistryKind, RegistrySource> ordered = new EnumMap<>(sources);
        String registries = ordered.keySet().stream().map(RegistryKind::label).collect(Collectors.joining(", "));
        String described = ordered.entrySet().stream().map(e -> e.getKey().jsonKey() + "=" + e.getValue().description()).collect(Collectors.joining(", "));
        Map<RegistryKind, ParsedSource> parsed = new EnumMap<>(RegistryKind.class);
        try {
            ordered.forEach((kind, source) -> parsed.put(kind, source.read(kind)));
            ImportReport report = database.inTransaction(c -> write(c, parsed, registries, described, actor));
            LOG.info("registry import by {} from {}: change {}, {}", actor, described, report.change(), report.counts());
            return report;
        } catch (GridAuthException e) {
            LOG.warn("registry import by {} from {} refused: {}", actor, described, e.getMessage());
            try {
                database.inTransaction(c -> {
                    AuditRecords.record(c, clock, actor, "registry-import", registries, "refused", "sources: " + described + "; " + e.getMessage());
                    return null;
                });
            } catch (GridAuthException auditFailure) {
                e.addSuppressed(auditFailure);
            }
            throw e;
        }
    }

    private ImportReport write(Connection c, Map<RegistryKind, ParsedSource> parsed, String registries, String described, String actor) throws SQLException {
        // The counter row stays locked until commit: imports and certificate changes are ordered by their numbers.
        long change = CmDatabase.nextChange(c);
        Map<String, Researcher> oldResearchers = RegistryTables.researchers(c);
        Map<String, Project> oldProjects = RegistryTables.projects(c);
        Map<String, Resource> oldResources = RegistryTables.resources(c);
        Map<String, Site> oldSites = RegistryTables.sites(c);
        RegistryValidator.Result result = RegistryValidator.validate(parsed,
                new RegistryValidator.Current(oldResearchers, oldProjects, oldResources, oldSites));
        if (!result.problems().isEmpty()) {
            throw new RegistryImportException(registries, described, result.problems());
        }
        var before = RegistryTables.siteAccess(c);
        Map<RegistryKind, ImportReport.Counts> counts = new EnumMap<>(RegistryKind.class);
        if (result.researchers() != null) {
            RegistryTables.replaceResearchers(c, result.researchers());
            counts.put(RegistryKind.RESEARCHERS, counts(oldResearchers, result.researchers(), Researcher::hpciId));
        }
        if (result.projects() != null) {
            RegistryTables.replaceProjects(c, result.projects(), zone);
            counts.put(RegistryKind.PROJECTS, counts(oldProjects, result.projects(), Project::projectId));
        }
        if (result.resources() != null) {
            RegistryTables.replaceResources(c, result.resources());
            counts.put(RegistryKind.RESOURCES, counts(oldResources, result.resources(), Resource::resourceId));
        }
        int sitesRegistered = 0;
        for (Site site : result.sites()) {
            if (RegistryTables.upsertSite(c, site, RegistryValidator.dnKey(site.hostDn()), clock.millis(), actor)) {
                sitesRegistered++;
                AuditRecords.record(c, clock, actor, "site-register", site.siteId(), "ok", "host DN " + site.hostDn() + " (from the registry import)");
            }
        }
        List<String[]> siteChanges = RegistryTables.accessChanges(before, RegistryTables.siteAccess(c));
        RegistryTables.recordSiteChanges(c, change, siteChanges);
        Instant at = clock.instant();
        List<String> sourceList = new ArrayList<>();
        parsed.values().forEach(p -> sourceList.add(p.description()));
        ImportReport report = new ImportReport(change, at, actor, sourceList, counts, sitesRegistered, siteChanges.size());
        AuditRecords.record(c, clock, actor, "registry-import", registries, "ok", "sources: " + described + "; change " + change + "; "
                + counts.entrySet().stream().map(e -> e.getKey().jsonKey() + " " + e.getValue()).collect(Collectors.joining(", "))
                + "; sites registered " + sitesRegistered + "; site entries changed " + siteChanges.size());
        return report;
    }

    private static <T> ImportReport.Counts counts(Map<String, T> old, List<T> now, Function<T, String> key) {
        int added = 0;
        int changed = 0;
        for (T item : now) {
            T previous = old.get(key.apply(item));
            if (previous == null) {
                added++;
            } else if (!Objects.equals(previous, item)) {
                changed++;
            }
        }
        long kept = now.stream().filter(i -> old.containsKey(key.apply(i))).count();
        return new ImportReport.Counts(now.size(), added, (int) (old.size() - kept), changed);
    }
}
