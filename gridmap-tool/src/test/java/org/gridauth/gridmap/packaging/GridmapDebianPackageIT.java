package org.gridauth.gridmap.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package the build makes (issue #8 item 5), checked with dpkg-deb and lintian, then installed on this
 * machine with dpkg, run, and purged. Runs after {@code package} (surefire's integration-test execution). Installing
 * needs root, as a site's admin has; CI runs as root, so there a missing privilege or tool fails the test.
 */
class GridmapDebianPackageIT {

    private static final String PACKAGE = "gridauth-gridmap";
    private static final Duration MINUTE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static Path deb() {
        Path deb = Path.of(System.getProperty("gridmap.deb", "target/gridauth-gridmap.deb"));
        assertThat(deb).as("the package built by 'mvn package'").isRegularFile();
        return deb;
    }

    private static GridTools.Result run(String... command) {
        return GridTools.run(List.of(command), Map.of("LANG", "C.UTF-8", "MANWIDTH", "100", "MANPAGER", "cat", "PAGER", "cat"), null,
                Duration.ofMinutes(3));
    }

    @Test
    @DisplayName("R-RS-2..4: the package holds the command, runnable jar, units, man page and configuration, depends on a Java 17 runtime, and lintian finds no error")
    void contents() {
        GridTools.require("dpkg-deb", "dpkg");
        GridTools.Result info = run("dpkg-deb", "--info", deb().toString());
        assertThat(info.exitCode()).as(info.all()).isZero();
        assertThat(info.stdout()).contains("Package: " + PACKAGE).contains("Architecture: all")
                .contains("Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless").contains("conffiles");
        GridTools.Result contents = run("dpkg-deb", "--contents", deb().toString());
        assertThat(contents.stdout()).contains("-rwxr-xr-x root/root", "./usr/bin/gridmap")
                .contains("./usr/share/" + PACKAGE + "/gridmap.jar", "./usr/share/man/man1/gridmap.1.gz", "./etc/gridauth/gridmap.conf",
                        "./usr/share/doc/" + PACKAGE + "/copyright", "./usr/share/doc/" + PACKAGE + "/changelog.gz")
                .contains("./lib/systemd/system/gridmap-sync.service", "./lib/systemd/system/gridmap-sync.timer",
                        "./lib/systemd/system/gridmap-crl.service", "./lib/systemd/system/gridmap-crl.timer");
        GridTools.require("lintian", "lintian");
        GridTools.Result lintian = run("lintian", "--tag-display-limit", "0", deb().toString());
        assertThat(lintian.stdout().lines().filter(l -> l.startsWith("E:")).toList()).as(lintian.all()).isEmpty();
    }

    @Test
    @DisplayName("R-RS-2..4: dpkg installs the package; gridmap --help, gridmap check and a sync from a snapshot run; man gridmap renders; the units verify; purge leaves nothing")
    void installRunPurge() throws Exception {
        GridTools.require("dpkg", "dpkg");
        GridTools.require("man", "man-db");
        if (!"0".equals(run("id", "-u").stdout().strip())) {
            String why = "installing a .deb needs root";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                org.junit.jupiter.api.Assertions.fail(why);
            }
            org.junit.jupiter.api.Assumptions.abort(why);
        }
        // One package test at a time on this machine (several checkouts may build at once); never touch an installation
        // that was there before.
        try (FileChannel channel = FileChannel.open(Path.of("/tmp/gridauth-gridmap-deb-test.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            assertThat(run("dpkg-query", "-W", "-f=${Status}", PACKAGE).stdout()).as("the package must not be installed before the test")
                    .doesNotContain("installed");
            try {
                GridTools.Result install = run("dpkg", "-i", deb().toString());
                assertThat(install.exitCode()).as(install.all()).isZero();
                installed();
            } finally {
                GridTools.Result purge = run("dpkg", "--purge", PACKAGE);
                assertThat(purge.exitCode()).as(purge.all()).isZero();
            }
            assertThat(Path.of("/usr/bin/gridmap")).doesNotExist();
            assertThat(Path.of("/etc/gridauth/gridmap.conf")).doesNotExist();
            assertThat(Path.of("/usr/share/" + PACKAGE)).doesNotExist();
            assertThat(Path.of("/lib/systemd/system/gridmap-sync.service")).doesNotExist();
        }
    }

    private void installed() throws Exception {
        GridTools.Result help = run("/usr/bin/gridmap", "--help");
        assertThat(help.exitCode()).as(help.all()).isZero();
        assertThat(help.stdout()).contains("EXIT STATUS").contains("gridmap sync");
        assertThat(help.stderr()).as("no log noise on a cron job's standard error").isEmpty();
        assertThat(run("/usr/bin/gridmap", "frobnicate").exitCode()).isEqualTo(2);

        // A real check: a user of the test CA is fine with its trust directory, a DN no trusted CA issues is reported.
        TestPki pki = TestPki.shared();
        Path grid = Files.writeString(dir.resolve("grid-mapfile"), "\"" + pki.user().subject().toOpenSsl() + "\" nobody\n");
        GridTools.Result ok = run("/usr/bin/gridmap", "check", "--dir", pki.trustDir().toString(), grid.toString());
        assertThat(ok.exitCode()).as(ok.all()).isZero();
        Files.writeString(grid, "\"/C=XX/O=Nobody Trusts/CN=Mallory\" nobody\n", StandardOpenOption.APPEND);
        GridTools.Result bad = run("/usr/bin/gridmap", "check", "--dir", pki.trustDir().toString(), grid.toString());
        assertThat(bad.exitCode()).as(bad.all()).isEqualTo(1);
        assertThat(bad.stderr()).contains("GA-GM-009").contains("line 2");

        // The jar's bundled Jackson and the sync path: a saved feed document through the configuration file.
        Path feed = Files.writeString(dir.resolve("feed.json"), """
                {"format":"gridauth-feed/1","type":"full","site":"site-a","cursor":"c1.1.1","entries":[
                {"serial":"1a","subjectDn":"/C=JP/O=GridAuth Test/CN=Package Test","hpciId":"hpci000001","eppn":"a@example.ac.jp",
                 "localAccount":"nobody","location":"store","notAfter":"2030-01-01T00:00:00Z","status":"valid","resources":["res-a"]}],"count":1}
                """);
        Path config = Files.writeString(dir.resolve("gridmap.conf"), "feed = " + feed.toUri() + "\nbinding = template:{localAccount}\nstate = "
                + dir.resolve("state") + "\noutput = " + dir.resolve("out-grid-mapfile") + "\n");
        GridTools.Result sync = run("/usr/bin/gridmap", "sync", "--config", config.toString());
        assertThat(sync.exitCode()).as(sync.all()).isZero();
        assertThat(Files.readString(dir.resolve("out-grid-mapfile"))).contains("\"/C=JP/O=GridAuth Test/CN=Package Test\" nobody");

        GridTools.Result man = run("man", "gridmap");
        assertThat(man.exitCode()).as(man.all()).isZero();
        assertThat(man.stdout()).contains("gridmap - grid-mapfile, CRL and trust-anchor maintenance").contains("EXIT STATUS");

        List<String> units = List.of("gridmap-sync.service", "gridmap-sync.timer", "gridmap-crl.service", "gridmap-crl.timer");
        if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            for (String unit : units) {
                GridTools.Result verify = run("systemd-analyze", "verify", "/lib/systemd/system/" + unit);
                assertThat(verify.exitCode()).as(unit + ": " + verify.all()).isZero();
                assertThat(verify.all()).as(unit).doesNotContain("gridmap");
            }
        }
        // Whether or not systemd-analyze is here: the hardening the site relies on is in the units.
        String service = Files.readString(Path.of("/lib/systemd/system/gridmap-sync.service"));
        assertThat(service).contains("ExecStart=/usr/bin/gridmap sync", "ProtectSystem=strict", "ReadWritePaths=/etc/grid-security",
                "StateDirectory=gridauth/gridmap", "NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectHome=yes");
        assertThat(Files.readString(Path.of("/lib/systemd/system/gridmap-crl.service"))).contains("ExecStart=/usr/bin/gridmap crl",
                "ProtectSystem=strict", "ReadWritePaths=/etc/grid-security");
        for (String timer : List.of("gridmap-sync.timer", "gridmap-crl.timer")) {
            assertThat(Files.readString(Path.of("/lib/systemd/system/" + timer))).contains("[Timer]", "OnCalendar=", "Persistent=true",
                    "WantedBy=timers.target");
        }
    }
}
