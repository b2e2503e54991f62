package org.gridauth.certmanager.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Registry imports and the membership API, run on H2 and on PostgreSQL by the subclasses. The clock stands at
 * 2026-06-01: projects of fiscal year 2026 are current, hp250009 has ended and hp270001 has not begun.
 */
abstract class RegistryImportContract {

    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    MutableClock clock;
    MappingFixture fixture;
    RegistryImporter importer;
    RegistryStore store;

    /** A fresh certificate manager database. */
    abstract DataSource database();

    /** A JDBC URL (with its user) of a fresh "office" database of the same kind, and a data source on it. */
    abstract Map.Entry<String, DataSource> officeDatabase();

    @BeforeEach
    void setUp() {
        clock = new MutableClock(NOW);
        fixture = new MappingFixture(database());
        importer = new RegistryImporter(fixture.database, clock, RegistryImporter.DEFAULT_ZONE);
        store = new JdbcRegistryStore(fixture.database, clock);
    }

    static Path file(String name) {
        try {
            return Path.of(RegistryImportContract.class.getResource("/registry/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    ImportReport importAll(String extension) {
        return importer.importRegistries(Map.of(
                RegistryKind.RESEARCHERS, RegistrySource.file(file("researchers." + extension)),
                RegistryKind.PROJECTS, RegistrySource.file(file("projects." + extension)),
                RegistryKind.RESOURCES, RegistrySource.file(file("resources." + extension))), "operator:alice");
    }

    record Contents(Map<String, Researcher> researchers, Map<String, Project> projects, Map<String, Resource> resources, Map<String, Site> sites) {
    }

    Contents contents() {
        return fixture.database.inTransaction(c -> new Contents(RegistryTables.researchers(c), RegistryTables.projects(c), RegistryTables.resources(c),
                RegistryTables.sites(c)));
    }

    List<String> problems(RegistryKind kind, String name) {
        RegistryImportException e = catchThrowableOfType(() -> importer.importRegistry(kind, RegistrySource.file(file(name)), "operator:alice"),
                RegistryImportException.class);
        assertThat(e).as("import of " + name + " must be refused").isNotNull();
        assertThat(e.code()).isEqualTo(CertManagerError.REGISTRY_IMPORT_REJECTED);
        assertThat(e.getMessage()).startsWith("GA-CM-100: ").contains("nothing was changed");
        return e.problems().stream().map(p -> {
            assertThat(p.source()).endsWith(name);
            return p.line() + ": " + p.message();
        }).toList();
    }

    @Test
    @DisplayName("R-CM-4: the three registries import from CSV, with counts, registered sites and an audit record")
    void importsCsv() {
        ImportReport report = importAll("csv");

        assertThat(report.counts()).containsEntry(RegistryKind.RESEARCHERS, new ImportReport.Counts(4, 4, 0, 0))
                .containsEntry(RegistryKind.PROJECTS, new ImportReport.Counts(5, 5, 0, 0))
                .containsEntry(RegistryKind.RESOURCES, new ImportReport.Counts(3, 3, 0, 0));
        assertThat(report.sitesRegistered()).isEqualTo(2);
        assertThat(report.change()).isEqualTo(fixture.counter());
        Contents contents = contents();
        assertThat(contents.researchers().get("hpci000003"))
                .isEqualTo(new Researcher("hpci000003", "jiro@example.ac.jp", "Jiro", "Sato, Jr.", "jiro@example.ac.jp", ResearcherStatus.SUSPENDED));
        Project ocean = contents.projects().get("hp260001");
        assertThat(ocean.name()).isEqualTo("Ocean simulation, phase 2");
        assertThat(ocean.start()).hasToString("2026-04-01");
        assertThat(ocean.end()).hasToString("2027-03-31");
        assertThat(ocean.members()).containsExactly(new Member("hpci000001", "ocean", "admin"), new Member("hpci000002", "", ""),
                new Member("hpci000003", "", ""));
        assertThat(contents.projects().get("hp260099").members()).isEmpty();
        assertThat(contents.resources().get("res-a").projectIds()).containsExactly("hp250009", "hp260001", "hp270001");
        assertThat(contents.resources().get("res-z").projectIds()).isEmpty();
        assertThat(contents.sites()).containsEntry("site-a", new Site("site-a", "/C=JP/O=GridAuth Test/CN=site-a.example.jp"));
        assertThat(fixture.audit()).anySatisfy(a -> assertThat(a).startsWith("registry-import ok")
                .contains("by operator:alice").contains("researchers 4 (+4 -0 ~0)").contains("projects 5 (+5 -0 ~0)").contains("resources.csv"));
    }

    @Test
    @DisplayName("R-CM-4, R-RS-4: a re-import counts what changed and numbers the (site, researcher) pairs whose access changed")
    void reimportCountsChanges() {
        importAll("csv");
        ImportReport report = importer.importRegistry(RegistryKind.RESEARCHERS, new CsvSourceOf("hpci_id,eppn,given_name,family_name,email,status\n"
                + "hpci000001,taro@example.ac.jp,Taro,Yamada,taro@example.ac.jp,active\n"
                + "hpci000002,hanako@example.ac.jp,Hanako,Suzuki,hanako@example.ac.jp,active\n"
                + "hpci000003,jiro@example.ac.jp,Jiro,\"Sato, Jr.\",jiro@example.ac.jp,active\n"
                + "hpci000004,saburo@example.ac.jp,Saburo,O'Neil,saburo-new@example.ac.jp,active\n"
                + "hpci000005,shiro@example.ac.jp,Shiro,Ito,shiro@example.ac.jp,active\n"), "operator:alice");

        assertThat(report.counts()).containsExactly(Map.entry(RegistryKind.RESEARCHERS, new ImportReport.Counts(5, 1, 0, 2)));
        assertThat(report.siteEntryChanges()).as("hpci000003 reinstated at site-a; an e-mail change and a newcomer change no access").isEqualTo(1);
        List<String> changes = fixture.database.inTransaction(c -> {
            List<String> rows = new java.util.ArrayList<>();
            try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT site_id, seq, hpci_id FROM cm_site_change WHERE seq = "
                    + report.change())) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getString(3));
                }
            }
            return rows;
        });
        assertThat(changes).containsExactly("site-a " + report.change() + " hpci000003");
        assertThat(report.change()).isEqualTo(fixture.counter());
    }

    @Test
    @DisplayName("R-CM-4: the JSON files give exactly what the CSV files give")
    void importsJson() {
        importAll("json");
        Contents fromJson = contents();
        ImportReport again = importAll("csv");

        assertThat(contents()).isEqualTo(fromJson);
        assertThat(again.counts().values()).allSatisfy(c -> assertThat(c.added() + c.removed() + c.changed()).isZero());
        assertThat(again.siteEntryChanges()).isZero();
    }

    @Test
    @DisplayName("R-CM-4: the registries import from a JDBC source with one configured query each")
    void importsJdbc() throws SQLException {
        Map.Entry<String, DataSource> office = officeDatabase();
        try (Connection c = office.getValue().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE people (id VARCHAR(20), principal VARCHAR(80), given VARCHAR(40), family VARCHAR(40), mail VARCHAR(80), state VARCHAR(10))");
            s.execute("INSERT INTO people VALUES ('hpci000001', 'taro@example.ac.jp', 'Taro', 'Yamada', 'taro@example.ac.jp', 'active'),"
                    + " ('hpci000002', 'hanako@example.ac.jp', 'Hanako', 'Suzuki', 'hanako@example.ac.jp', 'active'),"
                    + " ('hpci000003', 'jiro@example.ac.jp', 'Jiro', 'Sato, Jr.', 'jiro@example.ac.jp', 'suspended'),"
                    + " ('hpci000004', 'saburo@example.ac.jp', 'Saburo', 'O''Neil', 'saburo@example.ac.jp', 'active')");
            s.execute("CREATE TABLE projects (code VARCHAR(20), title VARCHAR(80), vo VARCHAR(40), starts DATE, ends DATE)");
            s.execute("INSERT INTO projects VALUES ('hp260001', 'Ocean simulation, phase 2', 'hpci.jp', DATE '2026-04-01', DATE '2027-03-31'),"
                    + " ('hp250009', 'Past project', 'hpci.jp', DATE '2025-04-01', DATE '2026-03-31'),"
                    + " ('hp260002', 'Materials', 'mat.hpci.jp', DATE '2026-04-01', DATE '2027-03-31'),"
                    + " ('hp270001', 'Future project', 'hpci.jp', DATE '2027-04-01', DATE '2028-03-31'),"
                    + " ('hp260099', 'Project without members yet', 'hpci.jp', DATE '2026-04-01', DATE '2027-03-31')");
            s.execute("CREATE TABLE members (code VARCHAR(20), person VARCHAR(20), grp VARCHAR(40), role VARCHAR(20))");
            s.execute("INSERT INTO members VALUES ('hp260001', 'hpci000001', 'ocean', 'admin'), ('hp260001', 'hpci000002', NULL, NULL),"
                    + " ('hp260001', 'hpci000003', NULL, NULL), ('hp250009', 'hpci000004', 'past', NULL), ('hp260002', 'hpci000001', 'alloys/steel', NULL),"
                    + " ('hp270001', 'hpci000004', NULL, NULL)");
            s.execute("CREATE TABLE resources (id VARCHAR(20), site VARCHAR(20), label VARCHAR(40), host VARCHAR(100))");
            s.execute("INSERT INTO resources VALUES ('res-a', 'site-a', 'Supercomputer A', '/C=JP/O=GridAuth Test/CN=site-a.example.jp'),"
                    + " ('res-b', 'site-b', 'Cluster B', '/C=JP/O=GridAuth Test/CN=site-b.example.jp'), ('res-z', 'site-a', 'Storage Z', NULL)");
            s.execute("CREATE TABLE admitted (resource VARCHAR(20), code VARCHAR(20))");
            s.execute("INSERT INTO admitted VALUES ('res-a', 'hp260001'), ('res-a', 'hp250009'), ('res-a', 'hp270001'), ('res-b', 'hp260002')");
        }
        String url = office.getKey();
        ImportReport report = importer.importRegistries(Map.of(
                RegistryKind.RESEARCHERS, new JdbcRegistrySource(url, null, null,
                        "SELECT id AS hpci_id, principal AS eppn, given AS given_name, family AS family_name, mail AS email, state AS status FROM people"),
                RegistryKind.PROJECTS, new JdbcRegistrySource(url, null, null,
                        "SELECT p.code AS project_id, p.title AS name, p.vo, p.starts AS start, p.ends AS \"end\", m.person AS hpci_id, m.grp AS \"group\","
                                + " m.role FROM projects p LEFT JOIN members m ON m.code = p.code"),
                RegistryKind.RESOURCES, new JdbcRegistrySource(url, null, null,
                        "SELECT r.id AS resource_id, r.site AS site_id, r.label AS name, a.code AS project_id, r.host AS site_host_dn"
                                + " FROM resources r LEFT JOIN admitted a ON a.resource = r.id")), "operator:alice");
        Contents fromJdbc = contents();

        assertThat(report.sources()).allSatisfy(s -> assertThat(s).startsWith("jdbc source jdbc:"));
        importAll("csv");
        assertThat(contents()).isEqualTo(fromJdbc);
    }

    @Test
    @DisplayName("R-CM-4: a JDBC query with a wrong column is refused, and an SQL error names neither URL parameters nor the password")
    void jdbcProblems() {
        Map.Entry<String, DataSource> office = officeDatabase();
        List<String> problems = catchThrowableOfType(() -> importer.importRegistry(RegistryKind.RESEARCHERS,
                new JdbcRegistrySource(office.getKey(), null, null, "SELECT 'x' AS hpci_id, 'y' AS principal"), "operator:alice"),
                RegistryImportException.class).problems().stream().map(ImportProblem::message).toList();
        assertThat(problems).contains("the query returns the unknown column \"principal\"", "the query does not return the required column \"eppn\"",
                "the query does not return the required column \"status\"");

        GridAuthException failure = catchThrowableOfType(() -> importer.importRegistry(RegistryKind.RESEARCHERS,
                new JdbcRegistrySource(office.getKey(), "nobody", "s3cret-word".toCharArray(), "SELECT * FROM no_such_table"), "operator:alice"),
                GridAuthException.class);
        assertThat(failure.code()).isEqualTo(CertManagerError.REGISTRY_SOURCE_UNREADABLE);
        assertThat(failure.getMessage()).startsWith("GA-CM-101: The registry source jdbc source jdbc:").doesNotContain("s3cret-word").doesNotContain("?");
        assertThat(fixture.audit()).anySatisfy(a -> assertThat(a).startsWith("registry-import refused").doesNotContain("s3cret-word"));
    }

    @Test
    @DisplayName("R-CM-4: a malformed HPCI-ID registry in CSV is refused with every problem and its line")
    void malformedResearchersCsv() {
        assertThat(problems(RegistryKind.RESEARCHERS, "researchers-bad.csv")).containsExactly(
                "3: duplicate HPCI-ID \"hpci000001\" (first on line 2)",
                "4: duplicate ePPN \"taro@example.ac.jp\" (first on line 2)",
                "5: \"given_name\" value \"六郎\" is not valid (expected the English given name in Latin letters)",
                "6: \"eppn\" value \"not-an-eppn\" is not valid (expected user@scope, for example taro@example.ac.jp)",
                "6: status \"retired\" must be active, suspended or deleted",
                "7: has 5 fields, the header has 6",
                "8: \"hpci_id\" is missing");
        assertThat(problems(RegistryKind.RESEARCHERS, "researchers-missing-column.csv")).containsExactly(
                "1: unknown column \"e-mail\" (the HPCI-ID registry has hpci_id, eppn, given_name, family_name, email, status)",
                "1: required column \"email\" is missing",
                "2: \"email\" is missing");
    }

    @Test
    @DisplayName("R-CM-4: a malformed project registry is refused: duplicates, inconsistent lines, dates, unknown HPCI-IDs, groups and roles")
    void malformedProjects() {
        importer.importRegistry(RegistryKind.RESEARCHERS, RegistrySource.file(file("researchers.csv")), "operator:alice");
        assertThat(problems(RegistryKind.PROJECTS, "projects-bad.csv")).containsExactly(
                "3: duplicate member \"hpci000001\" with the same group and role in project \"hp260001\" (first on line 2)",
                "4: project \"hp260001\" has a different name, VO or period than on line 2",
                "5: \"start\" value \"2026-02-30\" is not a date (expected YYYY-MM-DD, for example 2026-04-01)",
                "6: the end date 2026-03-31 is before the start date 2027-04-01",
                "7: unknown HPCI-ID \"hpci999999\" (not in the HPCI-ID registry of the certificate manager)",
                "8: \"group\" value \"/ocean\" is not valid (expected a group path below the VO such as analysis/ocean, without the VO and leading '/')",
                "8: role \"NULL\" means no role in VOMS: leave the role empty");
    }

    @Test
    @DisplayName("R-CM-4: a malformed provided-resource registry is refused: duplicates, other site, unknown projects, host DNs, quoting")
    void malformedResources() {
        importAll("csv");
        assertThat(problems(RegistryKind.RESOURCES, "resources-bad.csv")).containsExactly(
                "3: duplicate project \"hp260001\" for resource \"res-a\" (first on line 2)",
                "4: resource \"res-a\" has a different site or name than on line 2",
                "5: unknown project \"hp999999\" (not in the project registry of the certificate manager)",
                "6: site_host_dn \"CN=not slash\" is not a DN in slash form (/C=JP/O=.../CN=host.example.jp)",
                "7: site_host_dn is already given to site \"site-a\"",
                "8: a quoted field opened here is never closed");
    }

    @Test
    @DisplayName("R-CM-4: malformed JSON is refused with lines: wrong types, unknown members, bad values, syntax errors")
    void malformedJson() {
        assertThat(problems(RegistryKind.RESEARCHERS, "researchers-bad.json")).containsExactly(
                "6: \"hpci_id\" must be a string",
                "6: unknown member \"colour\"",
                "6: \"hpci_id\" is missing",
                "7: status \"on leave\" must be active, suspended or deleted");
        importer.importRegistry(RegistryKind.RESEARCHERS, RegistrySource.file(file("researchers.csv")), "operator:alice");
        assertThat(problems(RegistryKind.PROJECTS, "projects-bad.json")).as("members' problems on the members' lines").containsExactly(
                "1: unknown member \"extra\" (expected \"format\" and \"projects\")",
                "7: role \"NULL\" means no role in VOMS: leave the role empty",
                "8: unknown HPCI-ID \"hpci000404\" (not in the HPCI-ID registry of the certificate manager)",
                "9: unknown member \"person\" in a project member",
                "11: unknown member \"hpci_id\"",
                "11: \"members\" must be an array");
        assertThat(problems(RegistryKind.PROJECTS, "projects-syntax.json")).singleElement().asString()
                .startsWith("4: not valid JSON: Unexpected character ('\"'");
    }

    @Test
    @DisplayName("R-CM-4: a refused import changes nothing, not even the registries of the same import that were valid")
    void refusedImportIsAtomic() {
        importAll("csv");
        Contents before = contents();
        long counter = fixture.counter();

        assertThatThrownBy(() -> importer.importRegistries(Map.of(
                RegistryKind.RESEARCHERS, RegistrySource.file(file("researchers.json")),
                RegistryKind.PROJECTS, RegistrySource.file(file("projects.csv")),
                RegistryKind.RESOURCES, RegistrySource.file(file("resources-bad.csv"))), "operator:bob"))
                .isInstanceOf(RegistryImportException.class);
        // Dropping a researcher who is still a project member is refused as well.
        List<String> problems = catchThrowableOfType(() -> importer.importRegistry(RegistryKind.RESEARCHERS,
                new CsvSourceOf("hpci_id,eppn,given_name,family_name,email,status\nhpci000001,taro@example.ac.jp,Taro,Yamada,taro@example.ac.jp,active\n"),
                "operator:bob"), RegistryImportException.class).problems().stream().map(ImportProblem::toString).toList();

        assertThat(problems).contains("inline: HPCI-ID \"hpci000002\" is missing but is a member of project \"hp260001\" in the project registry;"
                + " mark it deleted instead, or import the project registry together with it");
        assertThat(contents()).isEqualTo(before);
        assertThat(fixture.counter()).isEqualTo(counter);
        assertThat(fixture.audit()).filteredOn(a -> a.startsWith("registry-import refused")).hasSize(2)
                .allSatisfy(a -> assertThat(a).contains("by operator:bob").contains("GA-CM-100"));
    }

    @Test
    @DisplayName("R-CM-2, R-CM-4: VO attributes come only from current projects of active researchers")
    void vomsAttributes() {
        importAll("csv");

        assertThat(store.vomsAttributes("hpci000001")).containsExactly("/hpci.jp", "/hpci.jp/ocean", "/hpci.jp/ocean/Role=admin",
                "/mat.hpci.jp", "/mat.hpci.jp/alloys", "/mat.hpci.jp/alloys/steel");
        assertThat(store.vomsAttributes("hpci000002")).containsExactly("/hpci.jp");
        assertThat(store.vomsAttributes("hpci000003")).as("suspended").isEmpty();
        assertThat(store.vomsAttributes("hpci000004")).as("past and future projects only").isEmpty();
        assertThat(store.vomsAttributes("hpci999999")).isEmpty();
        assertThat(store.holds("hpci000001", "/hpci.jp/ocean/Role=admin/Capability=NULL")).isTrue();
        assertThat(store.holds("hpci000001", "/hpci.jp/ocean/Role=NULL/Capability=NULL")).isTrue();
        assertThat(store.holds("hpci000002", "/hpci.jp/ocean")).isFalse();
        assertThat(store.holds("hpci000002", "/hpci.jp/Role=admin")).isFalse();
        assertThat(store.currentMemberships("hpci000001")).containsExactly(
                new RegistryStore.Membership("hp260001", "hpci.jp", "ocean", "admin"), new RegistryStore.Membership("hp260002", "mat.hpci.jp", "alloys/steel", ""));
        assertThat(store.researcher("hpci000003")).get().extracting(Researcher::status).isEqualTo(ResearcherStatus.SUSPENDED);

        clock.set(Instant.parse("2027-04-01T00:00:00Z").minusSeconds(9 * 3600));  // 2027-04-01 00:00 in Japan
        assertThat(store.vomsAttributes("hpci000004")).as("hp270001 begins on 2027-04-01, Japan time").containsExactly("/hpci.jp");
        assertThat(store.vomsAttributes("hpci000001")).as("fiscal 2026 projects ended on 2027-03-31").isEmpty();
    }

    @Test
    @DisplayName("R-CM-3: sites register by host DN; a DN of another site or a malformed one is refused")
    void siteRegistration() {
        SiteRegistry sites = new SiteRegistry(fixture.database, clock);
        sites.register("site-c", "CN=site-c.example.jp,O=GridAuth Test,C=JP", "operator:alice");

        assertThat(sites.forDn(org.gridauth.gsi.dn.GridDn.fromOpenSsl("/C=JP/O=GridAuth Test/CN=site-c.example.jp")))
                .contains(new Site("site-c", "/C=JP/O=GridAuth Test/CN=site-c.example.jp"));
        assertThat(catchThrowableOfType(() -> sites.register("site-d", "/C=JP/O=GridAuth Test/CN=site-c.example.jp", "operator:alice"),
                GridAuthException.class)).hasMessageContaining("GA-CM-105").hasMessageContaining("registered for site \"site-c\"");
        assertThat(catchThrowableOfType(() -> sites.register("site d", "/C=JP/CN=x", "operator:alice"), GridAuthException.class))
                .hasMessageContaining("GA-CM-105");
        assertThat(catchThrowableOfType(() -> sites.register("site-e", "/C=JP/CN=x\n/CN=y", "operator:alice"), GridAuthException.class))
                .hasMessageContaining("GA-CM-105");
        assertThat(sites.unregister("site-c", "operator:alice")).isTrue();
        assertThat(sites.sites()).isEmpty();
        assertThat(fixture.audit()).anySatisfy(a -> assertThat(a).startsWith("site-register ok site-c"))
                .anySatisfy(a -> assertThat(a).startsWith("site-unregister ok site-c"));
    }

    void templateFixtures() {
        importAll("csv");
        fixture.account("hpci000001", "taro", "taro@example.ac.jp");
        fixture.account("hpci000002", "hanako", "hanako@example.ac.jp");
        fixture.account("hpci000003", "jiro", "jiro@example.ac.jp");
        fixture.account("hpci000004", "saburo", "saburo@example.ac.jp");
        fixture.credential("0A", "hpci000001", "/C=JP/O=GridAuth Test/OU=Users/CN=Taro Yamada", NOW.plus(java.time.Duration.ofDays(30)));
        fixture.setStatus("0A", "SUPERSEDED");
        fixture.credential("0B", "hpci000001", "/C=JP/O=GridAuth Test/OU=Users/CN=Taro Yamada", NOW.plus(java.time.Duration.ofDays(365)));
        fixture.credential("0C", "hpci000002", "/C=JP/O=GridAuth Test/OU=Users/CN=Hanako \"Hana\" Suzuki", NOW.plus(java.time.Duration.ofDays(1)),
                "MYPROXY", "hanako-mp");
        fixture.credential("0D", "hpci000003", "/C=JP/O=GridAuth Test/OU=Users/CN=Jiro Sato", NOW.plus(java.time.Duration.ofDays(365)));
        fixture.credential("0E", "hpci000004", "/C=JP/O=GridAuth Test/OU=Users/CN=Saburo O'Neil", NOW.plus(java.time.Duration.ofDays(365)));
    }

    @Test
    @DisplayName("R-CM-4: the grid-mapfile template of a resource lists who may log in there, in grid-mapfile format with provenance")
    void template() throws Exception {
        templateFixtures();
        GridMapTemplates templates = new GridMapTemplates(fixture.database, clock);

        GridMapTemplates.Template template = templates.forResource("res-a", GridMapTemplates.Accounts.HPCI_ID);
        String text = template.text();
        org.gridauth.gsi.gridmap.GridMapFile parsed = org.gridauth.gsi.gridmap.GridMapFile.parse(text, "template");

        assertThat(parsed.entries()).as("superseded 0A, suspended hpci000003 and hpci000004 without a current project left out").containsExactly(
                new org.gridauth.gsi.gridmap.GridMapEntry("/C=JP/O=GridAuth Test/OU=Users/CN=Hanako \"Hana\" Suzuki", List.of("hpci000002")),
                new org.gridauth.gsi.gridmap.GridMapEntry("/C=JP/O=GridAuth Test/OU=Users/CN=Taro Yamada", List.of("hpci000001")));
        assertThat(text).contains("\"/C=JP/O=GridAuth Test/OU=Users/CN=Hanako \\\"Hana\\\" Suzuki\" hpci000002\n")
                .contains("# hpci000001 eppn=taro@example.ac.jp projects=hp260001 serial=0B valid-until=2027-06-01T00:00:00Z\n")
                .startsWith("# grid-mapfile template for resource \"res-a\" (Supercomputer A) at site \"site-a\"\n");
        assertThat(parsed.permits(org.gridauth.gsi.dn.GridDn.fromRfc2253("CN=Taro Yamada,OU=Users,O=GridAuth Test,C=JP"), "hpci000001")).isTrue();
        assertThat(templates.forResource("res-a", GridMapTemplates.Accounts.LOCAL_ACCOUNT).entries())
                .extracting(e -> e.accounts().get(0)).containsExactly("hanako-mp", "taro");
        assertThat(templates.forResource("res-b", GridMapTemplates.Accounts.HPCI_ID).entries()).singleElement()
                .extracting(e -> e.accounts().get(0)).isEqualTo("hpci000001");
        assertThat(templates.forResource("res-z", GridMapTemplates.Accounts.HPCI_ID).entries()).isEmpty();

        clock.advance(java.time.Duration.ofDays(2));
        assertThat(templates.forResource("res-a", GridMapTemplates.Accounts.HPCI_ID).entries()).as("0C expired")
                .extracting(org.gridauth.gsi.gridmap.GridMapEntry::dn).containsExactly("/C=JP/O=GridAuth Test/OU=Users/CN=Taro Yamada");
        assertThat(catchThrowableOfType(() -> templates.forResource("res-nope", GridMapTemplates.Accounts.HPCI_ID), GridAuthException.class))
                .hasMessage("GA-CM-106: No provided resource \"res-nope\" in the resource registry.");
    }

    /** CSV text as a source named "inline". */
    record CsvSourceOf(String text) implements RegistrySource {
        @Override
        public String description() {
            return "inline";
        }

        @Override
        public ParsedSource read(RegistryKind kind) {
            return CsvRegistrySource.parse(text, kind, "inline");
        }
    }
}
