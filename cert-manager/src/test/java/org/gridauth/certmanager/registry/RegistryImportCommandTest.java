package org.gridauth.certmanager.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryImportCommandTest {

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Map<String, String> environment, String... args) {
        out.reset();
        err.reset();
        return RegistryImportCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                environment);
    }

    String file(String name) {
        return RegistryImportContract.file(name).toString();
    }

    @Test
    @DisplayName("R-CM-4: the import command imports files and JDBC queries together, and lists every problem of a refused import on its own line")
    void imports() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("cm").toAbsolutePath();
        String office = "jdbc:h2:mem:office-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        JdbcDataSource officeDb = new JdbcDataSource();
        officeDb.setURL(office);
        officeDb.setUser("reader");
        officeDb.setPassword("office-secret");
        try (Connection c = officeDb.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE res (id VARCHAR(20), site VARCHAR(20), label VARCHAR(40), project VARCHAR(20))");
            s.execute("INSERT INTO res VALUES ('res-a', 'site-a', 'Supercomputer A', 'hp260001')");
        }
        Path query = Files.writeString(dir.resolve("resources.sql"), "SELECT id AS resource_id, site AS site_id, label AS name, project AS project_id FROM res\n");

        assertThat(run(Map.of("GRIDAUTH_OFFICE_DB_PASSWORD", "office-secret"), "--jdbc-url", url, "--actor", "cron:office",
                "--researchers", file("researchers.csv"), "--projects", file("projects.json"),
                "--source-url", office, "--source-user", "reader", "--resources-query", query.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("HPCI-ID registry: 4 records, 4 added, 0 removed, 0 changed")
                .contains("provided-resource registry: 1 records, 1 added");

        assertThat(run(Map.of(), "--jdbc-url", url, "--actor", "cron:office", "--projects", file("projects-bad.csv"))).isEqualTo(1);
        String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines[0]).isEqualTo("GA-CM-100: The project registry import from projects=" + file("projects-bad.csv")
                + " was rejected with 7 problem(s); nothing was changed:");
        assertThat(lines).hasSize(8);
        assertThat(lines[7]).isEqualTo(file("projects-bad.csv") + " line 8: role \"NULL\" means no role in VOMS: leave the role empty");

        JdbcDataSource cm = new JdbcDataSource();
        cm.setURL(url);
        MappingFixture fixture = new MappingFixture(cm);
        assertThat(fixture.audit()).filteredOn(a -> a.startsWith("registry-import")).hasSize(2)
                .noneSatisfy(a -> assertThat(a).contains("office-secret"));

        assertThat(run(Map.of(), "--jdbc-url", url, "--actor", "x")).isEqualTo(2);
        assertThat(run(Map.of(), "--jdbc-url", url, "--actor", "x", "--projects", "a.csv", "--projects-query", "q.sql")).isEqualTo(2);
        assertThat(run(Map.of(), "--jdbc-url", url, "--actor", "x", "--projects-query", "q.sql")).isEqualTo(2);
        assertThat(run(Map.of(), "--jdbc-url", url, "--actor", "x", "--researchers", "people.xml")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("GA-CM-101: ");
    }
}
