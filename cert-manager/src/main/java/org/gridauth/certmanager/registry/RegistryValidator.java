package org.gridauth.certmanager.registry;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.gridauth.gsi.dn.GridDn;

/**
 * Turns raw records into registries and says everything wrong with them, each problem with its line: missing or
 * malformed values, bad dates, duplicates, inconsistent repetitions of a project's or resource's columns, and
 * references to HPCI-IDs or projects that do not exist (in the registry being imported or, when that registry
 * is not part of the import, in the certificate manager). Pure: no I/O.
 */
final class RegistryValidator {

    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final Pattern VO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final Pattern GROUP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");
    static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final Pattern EPPN = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    static final Pattern ENGLISH_NAME = Pattern.compile("[\\p{IsLatin}][\\p{IsLatin} .,'-]*");

    /** The registries as they are now in the certificate manager, for references into registries not imported. */
    record Current(Map<String, Researcher> researchers, Map<String, Project> projects, Map<String, Resource> resources, Map<String, Site> sites) {
    }

    /** The result: the new registries (null for those not imported), site host DNs named by the import, problems. */
    record Result(List<Researcher> researchers, List<Project> projects, List<Resource> resources, List<Site> sites, List<ImportProblem> problems) {
    }

    private final List<ImportProblem> problems = new ArrayList<>();

    static Result validate(Map<RegistryKind, ParsedSource> sources, Current current) {
        return new RegistryValidator().run(sources, current);
    }

    private Result run(Map<RegistryKind, ParsedSource> sources, Current current) {
        sources.values().forEach(s -> problems.addAll(s.problems()));
        List<Researcher> researchers = sources.containsKey(RegistryKind.RESEARCHERS) ? researchers(sources.get(RegistryKind.RESEARCHERS)) : null;
        List<Project> projects = sources.containsKey(RegistryKind.PROJECTS) ? projects(sources.get(RegistryKind.PROJECTS)) : null;
        List<Resource> resources = null;
        List<Site> sites = new ArrayList<>();
        if (sources.containsKey(RegistryKind.RESOURCES)) {
            resources = resources(sources.get(RegistryKind.RESOURCES), sites, current);
        }

        // References between registries.
        Map<String, Researcher> knownResearchers = researchers == null ? current.researchers() : index(researchers, Researcher::hpciId);
        Map<String, Project> knownProjects = projects == null ? current.projects() : index(projects, Project::projectId);
        if (projects != null) {
            ParsedSource source = sources.get(RegistryKind.PROJECTS);
            for (Map.Entry<String, Integer> member : memberLines.entrySet()) {
                String hpciId = member.getKey().substring(member.getKey().indexOf('\u0000') + 1);
                if (!knownResearchers.containsKey(hpciId)) {
                    problems.add(new ImportProblem(source.description(), member.getValue(), "unknown HPCI-ID \"" + hpciId + "\" (not in the "
                            + (researchers == null ? "HPCI-ID registry of the certificate manager" : "HPCI-ID registry being imported") + ")"));
                }
            }
        } else if (researchers != null) {
            ParsedSource source = sources.get(RegistryKind.RESEARCHERS);
            for (Project project : current.projects().values()) {
                for (Member member : project.members()) {
                    if (!knownResearchers.containsKey(member.hpciId())) {
                        problems.add(new ImportProblem(source.description(), 0, "HPCI-ID \"" + member.hpciId() + "\" is missing but is a member of project \""
                                + project.projectId() + "\" in the project registry; mark it deleted instead, or import the project registry together with it"));
                    }
                }
            }
        }
        if (resources != null) {
            ParsedSource source = sources.get(RegistryKind.RESOURCES);
            for (Map.Entry<String, Integer> reference : projectReferenceLines.entrySet()) {
                if (!knownProjects.containsKey(reference.getKey().substring(reference.getKey().indexOf('\u0000') + 1))) {
                    problems.add(new ImportProblem(source.description(), reference.getValue(), "unknown project \""
                            + reference.getKey().substring(reference.getKey().indexOf('\u0000') + 1) + "\" (not in the "
                            + (projects == null ? "project registry of the certificate manager" : "project registry being imported") + ")"));
                }
            }
        } else if (projects != null) {
            ParsedSource source = sources.get(RegistryKind.PROJECTS);
            for (Resource resource : current.resources().values()) {
                for (String projectId : resource.projectIds()) {
                    if (!knownProjects.containsKey(projectId)) {
                        problems.add(new ImportProblem(source.description(), 0, "project \"" + projectId + "\" is missing but resource \"" + resource.resourceId()
                                + "\" of the provided-resource registry admits it; import the provided-resource registry together with it"));
                    }
                }
            }
        }
        problems.sort(null);
        return new Result(researchers, projects, resources, sites, List.copyOf(problems));
    }

    private final Map<String, Integer> memberLines = new LinkedHashMap<>();
    private final Map<String, Integer> projectReferenceLines = new LinkedHashMap<>();

    private List<Researcher> researchers(ParsedSource source) {
        List<Researcher> result = new ArrayList<>();
        Map<String, Integer> idLines = new HashMap<>();
        Map<String, Integer> eppnLines = new HashMap<>();
        for (RawRecord record : source.records()) {
            Field f = new Field(source.description(), record);
            String hpciId = f.required("hpci_id", ID, "letters, digits, '.', '_' or '-', at most 64");
            String eppn = f.required("eppn", EPPN, "user@scope, for example taro@example.ac.jp");
            String given = f.required("given_name", ENGLISH_NAME, "the English given name in Latin letters");
            String family = f.required("family_name", ENGLISH_NAME, "the English family name in Latin letters");
            String email = f.required("email", EMAIL, "an e-mail address");
            String statusText = f.required("status", null, null);
            ResearcherStatus status = null;
            if (statusText != null) {
                status = ResearcherStatus.parse(statusText).orElse(null);
                if (status == null) {
                    f.problem("status \"" + CsvRegistrySource.printable(statusText) + "\" must be active, suspended or deleted");
                }
            }
            f.noLongerThan("eppn", eppn, 256);
            f.noLongerThan("given_name", given, 256);
            f.noLongerThan("family_name", family, 256);
            f.noLongerThan("email", email, 256);
            if (hpciId != null) {
                duplicate(idLines, hpciId, record.line(), source, "HPCI-ID \"" + hpciId + "\"");
            }
            if (eppn != null) {
                duplicate(eppnLines, eppn, record.line(), source, "ePPN \"" + eppn + "\"");
            }
            if (f.ok()) {
                result.add(new Researcher(hpciId, eppn, given, family, email, status));
            }
        }
        return result;
    }

    private List<Project> projects(ParsedSource source) {
        Map<String, Project> projects = new LinkedHashMap<>();
        Map<String, Integer> projectLines = new HashMap<>();
        Map<String, List<Member>> members = new HashMap<>();
        Map<String, Integer> seenMembers = new HashMap<>();
        for (RawRecord record : source.records()) {
            Field f = new Field(source.description(), record);
            String projectId = f.required("project_id", ID, "letters, digits, '.', '_' or '-', at most 64");
            if (projectId == null) {
                continue;
            }
            String name = f.required("name", null, null);
            String vo = f.required("vo", VO, "a VO name such as hpci.jp");
            LocalDate start = f.date("start");
            LocalDate end = f.date("end");
            f.noLongerThan("name", name, 256);
            f.printable("name", name);
            if (start != null && end != null && end.isBefore(start)) {
                f.problem("the end date " + end + " is before the start date " + start);
            }
            Project first = projects.get(projectId);
            if (first == null && !projectLines.containsKey(projectId)) {
                projectLines.put(projectId, record.line());
                if (f.ok()) {
                    projects.put(projectId, new Project(projectId, name, vo, start, end, List.of()));
                    members.put(projectId, new ArrayList<>());
                }
            } else if (first != null && f.ok()
                    && !(first.name().equals(name) && first.vo().equals(vo) && first.start().equals(start) && first.end().equals(end))) {
                f.problem("project \"" + projectId + "\" has a different name, VO or period than on line " + projectLines.get(projectId));
            }
            String hpciId = f.optional("hpci_id", ID, "an HPCI-ID");
            String group = f.optional("group", GROUP, "a group path below the VO such as analysis/ocean, without the VO and leading '/'");
            String role = f.optional("role", ROLE, "a role name such as admin");
            f.noLongerThan("group", group, 256);
            if ("NULL".equals(role)) {
                f.problem("role \"NULL\" means no role in VOMS: leave the role empty");
            }
            if (hpciId == null && (group != null || role != null)) {
                f.problem("a group or role needs an hpci_id");
            }
            if (hpciId != null && f.ok()) {
                Member member = new Member(hpciId, group == null ? "" : group, role == null ? "" : role);
                if (duplicate(seenMembers, projectId + "\u0000" + member, record.line(), source, "member \"" + hpciId + "\" with the same group and role in project \"" + projectId + "\"")) {
                    continue;
                }
                memberLines.putIfAbsent(projectId + "\u0000" + hpciId, record.line());
                if (members.containsKey(projectId)) {
                    members.get(projectId).add(member);
                }
            }
        }
        List<Project> result = new ArrayList<>();
        for (Project project : projects.values()) {
            List<Member> sorted = new ArrayList<>(members.get(project.projectId()));
            sorted.sort(java.util.Comparator.comparing(Member::hpciId).thenComparing(Member::group).thenComparing(Member::role));
            result.add(new Project(project.projectId(), project.name(), project.vo(), project.start(), project.end(), sorted));
        }
        return result;
    }

    private List<Resource> resources(ParsedSource source, List<Site> sites, Current current) {
        Map<String, Resource> resources = new LinkedHashMap<>();
        Map<String, Integer> resourceLines = new HashMap<>();
        Map<String, List<String>> admitted = new HashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        Map<String, String> siteDns = new LinkedHashMap<>();
        Map<String, Integer> siteDnLines = new HashMap<>();
        Map<String, String> siteByDnKey = new HashMap<>();
        for (RawRecord record : source.records()) {
            Field f = new Field(source.description(), record);
            String resourceId = f.required("resource_id", ID, "letters, digits, '.', '_' or '-', at most 64");
            String siteId = f.required("site_id", ID, "letters, digits, '.', '_' or '-', at most 64");
            String name = f.required("name", null, null);
            f.noLongerThan("name", name, 256);
            f.printable("name", name);
            String projectId = f.optional("project_id", ID, "a project ID");
            String hostDn = f.optional("site_host_dn", null, null);
            if (hostDn != null && siteId != null) {
                String key = dnKey(hostDn);
                if (key == null) {
                    f.problem("site_host_dn \"" + CsvRegistrySource.printable(hostDn) + "\" is not a DN in slash form (/C=JP/O=.../CN=host.example.jp)");
                } else if (siteDns.containsKey(siteId) && !dnKey(siteDns.get(siteId)).equals(key)) {
                    f.problem("site \"" + siteId + "\" has a different site_host_dn on line " + siteDnLines.get(siteId));
                } else if (siteByDnKey.containsKey(key) && !siteByDnKey.get(key).equals(siteId)) {
                    f.problem("site_host_dn is already given to site \"" + siteByDnKey.get(key) + "\"");
                } else {
                    for (Site other : current.sites().values()) {
                        if (!other.siteId().equals(siteId) && key.equals(dnKey(other.hostDn()))) {
                            f.problem("site_host_dn is registered for site \"" + other.siteId() + "\" in the certificate manager");
                        }
                    }
                    if (f.ok() && !siteDns.containsKey(siteId)) {
                        siteDns.put(siteId, hostDn);
                        siteDnLines.put(siteId, record.line());
                        siteByDnKey.put(key, siteId);
                    }
                }
            }
            if (resourceId == null) {
                continue;
            }
            Resource first = resources.get(resourceId);
            if (first == null && !resourceLines.containsKey(resourceId)) {
                resourceLines.put(resourceId, record.line());
                if (f.ok()) {
                    resources.put(resourceId, new Resource(resourceId, siteId, name, List.of()));
                    admitted.put(resourceId, new ArrayList<>());
                }
            } else if (first != null && f.ok() && !(first.siteId().equals(siteId) && first.name().equals(name))) {
                f.problem("resource \"" + resourceId + "\" has a different site or name than on line " + resourceLines.get(resourceId));
            }
            if (projectId != null && f.ok()) {
                if (duplicate(seen, resourceId + "\u0000" + projectId, record.line(), source, "project \"" + projectId + "\" for resource \"" + resourceId + "\"")) {
                    continue;
                }
                projectReferenceLines.putIfAbsent(resourceId + "\u0000" + projectId, record.line());
                if (admitted.containsKey(resourceId)) {
                    admitted.get(resourceId).add(projectId);
                }
            }
        }
        siteDns.forEach((site, dn) -> sites.add(new Site(site, GridDn.fromOpenSsl(dn).toOpenSsl())));
        List<Resource> result = new ArrayList<>();
        for (Resource resource : resources.values()) {
            result.add(new Resource(resource.resourceId(), resource.siteId(), resource.name(), List.copyOf(new TreeSet<>(admitted.get(resource.resourceId())))));
        }
        return result;
    }

    /** The canonical form of a slash-form DN, or null if it is not one. */
    static String dnKey(String dn) {
        if (dn == null || !dn.startsWith("/") || dn.chars().anyMatch(Character::isISOControl)) {
            return null;
        }
        try {
            GridDn parsed = GridDn.fromOpenSsl(dn);
            return parsed.isEmpty() ? null : parsed.canonical();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private boolean duplicate(Map<String, Integer> seen, String key, int line, ParsedSource source, String what) {
        Integer first = seen.putIfAbsent(key, line);
        if (first != null) {
            problems.add(new ImportProblem(source.description(), line, "duplicate " + what + " (first on line " + first + ")"));
            return true;
        }
        return false;
    }

    private static <T> Map<String, T> index(List<T> items, java.util.function.Function<T, String> key) {
        Map<String, T> map = new HashMap<>();
        items.forEach(i -> map.put(key.apply(i), i));
        return map;
    }

    /** Checks of one record's columns; problems go to the shared list, {@link #ok()} says whether this record had any. */
    private final class Field {
        private final String source;
        private final RawRecord record;
        private boolean ok = true;

        Field(String source, RawRecord record) {
            this.source = source;
            this.record = record;
        }

        void problem(String message) {
            ok = false;
            problems.add(new ImportProblem(source, record.line(), message));
        }

        boolean ok() {
            return ok;
        }

        String required(String column, Pattern pattern, String expected) {
            String value = record.get(column);
            if (value.isEmpty()) {
                problem("\"" + column + "\" is missing");
                return null;
            }
            return check(column, value, pattern, expected);
        }

        String optional(String column, Pattern pattern, String expected) {
            String value = record.get(column);
            return value.isEmpty() ? null : check(column, value, pattern, expected);
        }

        private String check(String column, String value, Pattern pattern, String expected) {
            if (pattern != null && !pattern.matcher(value).matches()) {
                problem("\"" + column + "\" value \"" + CsvRegistrySource.printable(value) + "\" is not valid (expected " + expected + ")");
                return null;
            }
            return value;
        }

        LocalDate date(String column) {
            String value = required(column, null, null);
            if (value == null) {
                return null;
            }
            try {
                return LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                problem("\"" + column + "\" value \"" + CsvRegistrySource.printable(value) + "\" is not a date (expected YYYY-MM-DD, for example 2026-04-01)");
                return null;
            }
        }

        void noLongerThan(String column, String value, int max) {
            if (value != null && value.length() > max) {
                problem("\"" + column + "\" is longer than " + max + " characters");
            }
        }

        void printable(String column, String value) {
            if (value != null && value.chars().anyMatch(Character::isISOControl)) {
                problem("\"" + column + "\" contains control characters");
            }
        }
    }
}
