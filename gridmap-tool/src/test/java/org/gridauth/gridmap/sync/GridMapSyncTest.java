package org.gridauth.gridmap.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.gridauth.certmanager.feed.FeedHandler;
import org.gridauth.certmanager.feed.FeedStore;
import org.gridauth.certmanager.registry.RegistryImporter;
import org.gridauth.certmanager.registry.RegistryKind;
import org.gridauth.certmanager.registry.RegistrySource;
import org.gridauth.certmanager.registry.SiteRegistry;
import org.gridauth.certmanager.server.CertManagerServer;
import org.gridauth.certmanager.store.Account;
import org.gridauth.certmanager.store.CmDatabase;
import org.gridauth.certmanager.store.CredentialRecord;
import org.gridauth.certmanager.store.CredentialStatus;
import org.gridauth.certmanager.store.JdbcCredentialStore;
import org.gridauth.certmanager.store.Location;
import org.gridauth.gridmap.cli.ExitCode;
import org.gridauth.gridmap.cli.GridmapCommand;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.gridmap.GridMapFile;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gridmap sync against a real certificate manager feed (R-RS-2, R-RS-4, R-CM-3): mutual TLS with the site's host
 * certificate, incremental updates, the site's binding rule, and files that Globus' own tools accept.
 */
class GridMapSyncTest {

    private static final int RESEARCHERS = 30;

    @TempDir
    Path dir;

    private final TestPki pki = TestPki.shared();
    private CmDatabase database;
    private JdbcCredentialStore store;
    private CertManagerServer server;
    private ChainValidator validator;
    private Path grid;

    @BeforeEach
    void start() throws Exception {
        Clock clock = Clock.systemUTC();
        javax.sql.DataSource data = TestDatabases.h2();
        database = new CmDatabase(data);
        store = new JdbcCredentialStore(database, clock);
        LocalDate today = LocalDate.now();
        StringBuilder researchers = new StringBuilder("hpci_id,eppn,given_name,family_name,email,status\n");
        StringBuilder projects = new StringBuilder("project_id,name,vo,start,end,hpci_id,group,role\n");
        for (int i = 1; i <= RESEARCHERS; i++) {
            String id = String.format("hpci%06d", i);
            researchers.append(id).append(',').append("user").append(i).append("@example.ac.jp,Given,Family,x@example.ac.jp,active\n");
            projects.append("hp260001,Ocean,hpci.jp,").append(today.minusDays(30)).append(',').append(today.plusDays(300)).append(',').append(id).append(",,\n");
        }
        projects.append("hp260009,Other site only,hpci.jp,").append(today.minusDays(30)).append(',').append(today.plusDays(300)).append(",hpci000031,,\n");
        researchers.append("hpci000031,other@example.ac.jp,Other,Person,o@example.ac.jp,active\n");
        String resources = "resource_id,site_id,name,project_id,site_host_dn\n"
                + "res-a,site-a,Supercomputer A,hp260001," + pki.host().subject().toOpenSsl() + "\n"
                + "res-b,site-b,Cluster B,hp260009,/C=JP/O=GridAuth Test/CN=site-b.example.jp\n";
        Path r = Files.writeString(dir.resolve("researchers.csv"), researchers);
        Path p = Files.writeString(dir.resolve("projects.csv"), projects);
        Path s = Files.writeString(dir.resolve("resources.csv"), resources);
        new RegistryImporter(database, clock, RegistryImporter.DEFAULT_ZONE).importRegistries(Map.of(RegistryKind.RESEARCHERS, RegistrySource.file(r),
                RegistryKind.PROJECTS, RegistrySource.file(p), RegistryKind.RESOURCES, RegistrySource.file(s)), "test");
        for (int i = 1; i <= RESEARCHERS + 1; i++) {
            issue(String.format("hpci%06d", i), String.format("/C=JP/O=GridAuth Test/OU=Users/CN=User Number %d", i), Integer.toHexString(0x1000 + i));
        }
        validator = ChainValidator.strict(pki.trustDir());
        server = new CertManagerServer(new InetSocketAddress("127.0.0.1", 0), pki.host(), validator, 4)
                .route(FeedHandler.PATH, new FeedHandler(new FeedStore(data, clock), new SiteRegistry(database, clock), database, clock)).start();
        CredentialFiles.writeHostCredential(dir.resolve("hostcert.pem"), dir.resolve("hostkey.pem"), pki.host());
        grid = dir.resolve("grid-mapfile");
    }

    @AfterEach
    void stop() {
        server.close();
        validator.close();
    }

    private void issue(String hpciId, String dn, String serial) {
        store.ensureAccount(new Account(hpciId, hpciId, "u-" + hpciId + "@example.ac.jp", null));
        Instant now = Instant.now();
        store.recordIssued(new CredentialRecord(serial, hpciId, dn, dn.substring(dn.lastIndexOf("CN=") + 3), "PEM", null, Location.DOWNLOAD, null,
                CredentialStatus.VALID, now.minusSeconds(60), now.plus(Duration.ofDays(300)), now, null, null, 0));
    }

    record Run(ExitCode code, String out, String err) {
    }

    private Run sync(String... extra) {
        List<String> args = new ArrayList<>(List.of("sync", "--feed", "https://" + pki.hostName() + ":" + server.port(), "--cert",
                dir.resolve("hostcert.pem").toString(), "--key", dir.resolve("hostkey.pem").toString(), "--dir", pki.trustDir().toString(),
                "--state", dir.resolve("state").toString(), "--output", grid.toString(), "--binding", "template:hpci{hpciNumber}"));
        args.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExitCode code = new GridmapCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), Clock.systemUTC()).run(args.toArray(String[]::new));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("R-RS-2, R-RS-4: the first sync writes every researcher admitted to the site; a revocation is removed at the next, incremental sync")
    void fullThenIncremental() throws Exception {
        Run first = sync();
        assertThat(first.code()).as(first.err()).isEqualTo(ExitCode.OK);
        GridMapFile file = GridMapFile.read(grid);
        assertThat(file.entries()).hasSize(RESEARCHERS);
        assertThat(file.permits(org.gridauth.gsi.dn.GridDn.fromOpenSsl("/C=JP/O=GridAuth Test/OU=Users/CN=User Number 7"), "hpci000007")).isTrue();
        assertThat(Files.readString(grid)).doesNotContain("User Number 31").contains("# hpci000007 u-hpci000007@example.ac.jp serial");

        store.markRevoked(Integer.toHexString(0x1000 + 7), Instant.now(), "keyCompromise");
        Run second = sync();
        assertThat(second.code()).as(second.err()).isEqualTo(ExitCode.OK);
        assertThat(second.out()).contains("wrote 29 entries (+0 -1");
        assertThat(GridMapFile.read(grid).entries()).hasSize(RESEARCHERS - 1);
        assertThat(Files.readString(grid)).doesNotContain("User Number 7\"");
        assertThat(Files.readString(grid.resolveSibling("grid-mapfile.bak"))).contains("User Number 7\"");

    }

    @Test
    @DisplayName("R-RS-2: what sync writes passes Globus' grid-mapfile-check-consistency, and grid-mapfile-add-entry/-delete-entry can still edit it")
    void globusToolsAcceptTheFile() throws Exception {
        // The Globus checker insists that every account exists on this machine: bind to accounts Debian always has.
        StringBuilder map = new StringBuilder();
        String[] system = {"daemon", "bin", "sys", "nobody"};
        for (int i = 1; i <= RESEARCHERS; i++) {
            map.append(String.format("hpci%06d", i)).append(' ').append(system[i % system.length]).append(i % 5 == 0 ? ",nobody" : "").append('\n');
        }
        Path accounts = Files.writeString(dir.resolve("system.map"), map);
        issue("hpci000001", "/C=JP/O=GridAuth Test/OU=Users/CN=Jiro \"JJ\" Sato", "abc1");
        assertThat(sync("--binding", "map:" + accounts).code()).isEqualTo(ExitCode.OK);
        assertThat(Files.readString(grid)).contains("\"/C=JP/O=GridAuth Test/OU=Users/CN=Jiro \\\"JJ\\\" Sato\" bin");
        GridTools.require("grid-mapfile-check-consistency", "globus-gss-assist-progs");
        GridTools.Result check = GridTools.run(List.of("grid-mapfile-check-consistency", "-mapfile", grid.toString()), Map.of(), null,
                Duration.ofSeconds(60));
        assertThat(check.exitCode()).as(check.all()).isZero();
        GridTools.Result add = GridTools.run(List.of("grid-mapfile-add-entry", "-dn", "/C=JP/O=GridAuth Test/OU=Users/CN=Local Addition",
                "-ln", "nobody", "-mapfile", grid.toString()), Map.of(), null, Duration.ofSeconds(60));
        assertThat(add.exitCode()).as(add.all()).isZero();
        GridTools.Result delete = GridTools.run(List.of("grid-mapfile-delete-entry", "-dn", "/C=JP/O=GridAuth Test/OU=Users/CN=User Number 2",
                "-ln", "sys", "-mapfile", grid.toString()), Map.of(), null, Duration.ofSeconds(60));
        assertThat(delete.exitCode()).as(delete.all()).isZero();
        GridMapFile edited = GridMapFile.read(grid);
        String text = Files.readString(grid);
        assertThat(edited.permits(org.gridauth.gsi.dn.GridDn.fromOpenSsl("/C=JP/O=GridAuth Test/OU=Users/CN=Local Addition"), "nobody")).as(text).isTrue();
        assertThat(edited.lookup(org.gridauth.gsi.dn.GridDn.fromOpenSsl("/C=JP/O=GridAuth Test/OU=Users/CN=User Number 2"))).isEmpty();
        // Globus' own grid-mapfile-delete-entry drops lines whose DN holds an escaped quote when it rewrites the file
        // (the site manual says so); every other line survives its edit.
        assertThat(edited.entries()).hasSizeGreaterThanOrEqualTo(RESEARCHERS - 1);
    }

    @Test
    @DisplayName("R-RS-2: DNs with quotes are escaped as Globus reads them; a DN with a line break is rejected, never written as a new line")
    void hostileDns() throws Exception {
        issue("hpci000001", "/C=JP/O=GridAuth Test/OU=Users/CN=Jiro \"JJ\" Sato\\Jr", "abc1");
        issue("hpci000002", "/C=JP/O=GridAuth Test/OU=Users/CN=Evil\n\"/C=JP/O=X/CN=root\" root", "abc2");
        Run run = sync();
        assertThat(run.code()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).contains("rejected abc2");
        String text = Files.readString(grid);
        assertThat(text).contains("\"/C=JP/O=GridAuth Test/OU=Users/CN=Jiro \\\"JJ\\\" Sato\\\\Jr\" hpci000001");
        assertThat(text).doesNotContain(" root\n").doesNotContain("CN=root");
        assertThat(GridMapFile.read(grid).permits(org.gridauth.gsi.dn.GridDn.fromOpenSsl("/C=JP/O=GridAuth Test/OU=Users/CN=Jiro \"JJ\" Sato\\Jr"),
                "hpci000001")).isTrue();
    }

    @Test
    @DisplayName("R-RS-4: a change dropping more than the safety limit stops with status 4 and keeps the file; --dry-run shows the diff; --force applies it")
    void safetyLimitAndDryRun() throws Exception {
        assertThat(sync().code()).isEqualTo(ExitCode.OK);
        byte[] before = Files.readAllBytes(grid);
        for (int i = 1; i <= 10; i++) {
            store.markRevoked(Integer.toHexString(0x1000 + i), Instant.now(), "affiliationChanged");
        }
        Run limited = sync();
        assertThat(limited.code()).isEqualTo(ExitCode.SAFETY_LIMIT);
        assertThat(limited.err()).contains("GA-GM-013").contains("10 of 30");
        assertThat(Files.readAllBytes(grid)).isEqualTo(before);
        Run dry = sync("--dry-run", "--force");
        assertThat(dry.code()).isEqualTo(ExitCode.OK);
        assertThat(dry.out()).contains("- \"/C=JP/O=GridAuth Test/OU=Users/CN=User Number 4\" hpci000004").contains("would write 20 entries");
        assertThat(Files.readAllBytes(grid)).isEqualTo(before);
        assertThat(sync("--max-drop-percent", "50").code()).isEqualTo(ExitCode.OK);
        assertThat(GridMapFile.read(grid).entries()).hasSize(20);
    }

    @Test
    @DisplayName("R-RS-2: an unreachable feed or an unregistered host certificate exits 3 and leaves the grid-mapfile as it was")
    void feedUnavailable() throws Exception {
        assertThat(sync().code()).isEqualTo(ExitCode.OK);
        byte[] before = Files.readAllBytes(grid);
        server.close();
        Run down = sync("--timeout", "5");
        assertThat(down.code()).isEqualTo(ExitCode.FEED_UNAVAILABLE);
        assertThat(down.err()).contains("GA-GM-011");
        assertThat(Files.readAllBytes(grid)).isEqualTo(before);
    }

    @Test
    @DisplayName("R-RS-2: a full disk while writing keeps the old grid-mapfile and the old cursor; the next run with space completes")
    void diskFull() throws Exception {
        // A real full file system: a 4 KiB tmpfs (needs root, as a site's cron job has; CI runs as root).
        Path small = Files.createDirectories(dir.resolve("small"));
        GridTools.Result mount = GridTools.run(List.of("mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", small.toString()), Map.of(), null,
                Duration.ofSeconds(30));
        if (mount.exitCode() != 0) {
            String why = "a 4 KiB tmpfs cannot be mounted here (root needed): " + mount.all();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                org.junit.jupiter.api.Assertions.fail(why);
            }
            org.junit.jupiter.api.Assumptions.abort(why);
        }
        try {
            grid = small.resolve("grid-mapfile");
            Path map = Files.writeString(dir.resolve("one.map"), "hpci000001 taro\n");
            assertThat(sync("--binding", "map:" + map, "--state", dir.resolve("state-small").toString()).code()).isEqualTo(ExitCode.OK);
            byte[] before = Files.readAllBytes(grid);
            Run full = sync("--state", dir.resolve("state-small").toString(), "--force");
            assertThat(full.code()).as(full.out() + full.err()).isEqualTo(ExitCode.FAILED);
            assertThat(full.err()).contains("No space left on device");
            assertThat(Files.readAllBytes(grid)).as("the old file is intact").isEqualTo(before);
            try (var files = Files.list(small)) {
                assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList()).as("no temporary file left").isEmpty();
            }
            grid = dir.resolve("grid-mapfile");
            Run later = sync("--state", dir.resolve("state-small").toString(), "--force");
            assertThat(later.code()).as(later.err()).isEqualTo(ExitCode.OK);
            assertThat(GridMapFile.read(grid).entries()).hasSize(RESEARCHERS);
        } finally {
            GridTools.run(List.of("umount", small.toString()), Map.of(), null, Duration.ofSeconds(30));
        }
    }

    @Test
    @DisplayName("R-RS-2: the site's LDAP directory binds researchers to accounts (ldap: rule with {hpciId}); filter values are escaped")
    void ldapBinding() throws Exception {
        com.unboundid.ldap.listener.InMemoryDirectoryServerConfig config = new com.unboundid.ldap.listener.InMemoryDirectoryServerConfig("dc=site,dc=jp");
        config.setSchema(null);
        config.setListenerConfigs(com.unboundid.ldap.listener.InMemoryListenerConfig.createLDAPConfig("ldap", java.net.InetAddress.getLoopbackAddress(), 0,
                null));
        com.unboundid.ldap.listener.InMemoryDirectoryServer ldap = new com.unboundid.ldap.listener.InMemoryDirectoryServer(config);
        ldap.add("dn: dc=site,dc=jp", "objectClass: domain", "dc: site");
        ldap.add("dn: ou=people,dc=site,dc=jp", "objectClass: organizationalUnit", "ou: people");
        ldap.add("dn: uid=taro,ou=people,dc=site,dc=jp", "objectClass: account", "uid: taro", "uid: taro-gpu", "hpciId: hpci000003");
        ldap.add("dn: uid=hanako,ou=people,dc=site,dc=jp", "objectClass: account", "uid: hanako", "hpciId: hpci000004");
        ldap.startListening();
        try {
            String rule = "ldap:ldap://127.0.0.1:" + ldap.getListenPort() + "/ou=people,dc=site,dc=jp?uid?sub?(hpciId={hpciId})";
            Run run = sync("--binding", rule);
            assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.OK);
            GridMapFile file = GridMapFile.read(grid);
            assertThat(file.entries()).hasSize(2);
            assertThat(file.lookup(org.gridauth.gsi.dn.GridDn.fromOpenSsl("/C=JP/O=GridAuth Test/OU=Users/CN=User Number 3")).orElseThrow().accounts())
                    .containsExactlyInAnyOrder("taro", "taro-gpu");
            assertThat(run.out()).contains("28 without a local account");

            LdapBinding binding = new LdapBinding(rule.replace("{hpciId}", "{eppn}"));
            assertThat(binding.accounts(new FeedEntry("1", "/CN=x", "hpci9", "*)(uid=*", "x", "store", null, "valid", List.of())))
                    .as("an ePPN full of filter syntax matches nothing").isEmpty();
            assertThat(sync("--binding", "ldap:ldap://127.0.0.1:1/dc=x?uid?sub").code()).isEqualTo(ExitCode.USAGE);
        } finally {
            ldap.shutDown(true);
        }
    }

    @Test
    @DisplayName("R-RS-2: a site's own map file binds ePPNs or HPCI-IDs to accounts, several accounts per DN; unmapped researchers get no line")
    void mapFileBinding() throws Exception {
        Path map = Files.writeString(dir.resolve("accounts.map"), "# site accounts\nu-hpci000001@example.ac.jp taro,taro2\nhpci000002 hanako\n");
        Run run = sync("--binding", "map:" + map);
        assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.OK);
        GridMapFile file = GridMapFile.read(grid);
        assertThat(file.entries()).hasSize(2);
        assertThat(file.entries().get(0).accounts()).containsExactly("taro", "taro2");
        assertThat(run.out()).contains("28 without a local account");
    }
}
