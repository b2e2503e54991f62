package org.gridauth.certmanager.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.gridauth.gsi.gridmap.GridMapEntry;
import org.gridauth.gsi.gridmap.GridMapFile;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridMapTemplateExportTest {

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return GridMapTemplateExport.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("R-CM-4: the template export command writes a resource's template to a file or standard output, and refuses bad input")
    void exports() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("cm").toAbsolutePath();
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        MappingFixture fixture = new MappingFixture(h2);
        new RegistryImporter(fixture.database, Clock.systemUTC(), RegistryImporter.DEFAULT_ZONE).importRegistries(Map.of(
                RegistryKind.RESEARCHERS, RegistrySource.file(RegistryImportContract.file("researchers.csv")),
                RegistryKind.PROJECTS, new RegistryImportContract.CsvSourceOf(
                        "project_id,name,vo,start,end,hpci_id\nhp1,Now,hpci.jp,2000-01-01,2999-12-31,hpci000001\n"),
                RegistryKind.RESOURCES, new RegistryImportContract.CsvSourceOf("resource_id,site_id,name,project_id\nres-a,site-a,A,hp1\n")), "operator:test");
        fixture.account("hpci000001", "taro", "taro@example.ac.jp");
        fixture.credential("01", "hpci000001", "/C=JP/O=GridAuth Test/OU=Users/CN=Taro Yamada", Instant.now().plus(Duration.ofDays(30)));
        Path output = dir.resolve("templates/res-a.grid-mapfile");

        assertThat(run("--jdbc-url", url, "--resource", "res-a", "--accounts", "local-account", "--output", output.toString())).isZero();
        assertThat(GridMapFile.read(output).entries()).containsExactly(new GridMapEntry("/C=JP/O=GridAuth Test/OU=Users/CN=Taro Yamada", List.of("taro")));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(output))).isEqualTo("rw-r--r--");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("wrote 1 entries to " + output);

        assertThat(run("--jdbc-url", url, "--resource", "res-a")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"/C=JP/O=GridAuth Test/OU=Users/CN=Taro Yamada\" hpci000001\n");

        String before = Files.readString(output);
        err.reset();
        assertThat(run("--jdbc-url", url, "--resource", "res-x", "--output", output.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("GA-CM-106: No provided resource \"res-x\"");
        assertThat(Files.readString(output)).isEqualTo(before);

        assertThat(run("--jdbc-url", url)).isEqualTo(2);
        assertThat(run("--jdbc-url", url, "--resource", "res-a", "--accounts", "uid")).isEqualTo(2);
        assertThat(run("--password", "x")).isEqualTo(2);
    }
}
