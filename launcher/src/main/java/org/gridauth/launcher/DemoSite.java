package org.gridauth.launcher;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import org.gridauth.gridmap.cli.ExitCode;
import org.gridauth.gridmap.cli.GridmapCommand;
import org.gridauth.gsi.credential.AtomicFiles;

/**
 * The GSI-SSH gateway as a resource site (R-RS-1..4): its own trust directory holding only the grid CA (kept
 * fresh by 'gridmap crl'), and a grid-mapfile built by 'gridmap sync' from the certificate manager's feed with the
 * site's host credential, binding every demo researcher to the gateway's account. The configuration file is what
 * a site's /etc/gridauth/gridmap.conf would hold, so the same commands work by hand:
 * {@code gridauth gridmap sync --config <home>/gridmap/gridmap.conf}.
 */
final class DemoSite {

    private final Path home;
    private final Clock clock;

    DemoSite(Path home, Clock clock) {
        this.home = home;
        this.clock = clock;
    }

    Path trustDir() {
        return home.resolve("gsissh/certificates");
    }

    Path gridMapFile() {
        return home.resolve("gsissh/grid-mapfile");
    }

    Path config() {
        return home.resolve("gridmap/gridmap.conf");
    }

    Path accounts() {
        return home.resolve("gridmap/accounts.map");
    }

    /** Writes the site's configuration and account register on first start. */
    void prepare(LoopbackPki loopback, int certManagerPort) {
        if (!Files.exists(accounts())) {
            StringBuilder map = new StringBuilder("# the site's account register (binding map:): HPCI-ID or ePPN, then local accounts\n");
            for (String[] researcher : DemoRegistries.RESEARCHERS) {
                map.append(researcher[0]).append(' ').append(Suite.gatewayAccount()).append('\n');
            }
            AtomicFiles.write(accounts(), map.toString().getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
        }
        if (!Files.exists(config())) {
            String text = String.join("\n", "# gridmap (resource-site tool) for the demo site; see the resource-site chapter of the manual",
                    "feed = https://localhost:" + certManagerPort,
                    "cert = " + loopback.siteCert().toAbsolutePath(),
                    "key = " + loopback.siteKey().toAbsolutePath(),
                    // The feed's TLS certificate is the loopback host certificate: the suite's trust directory knows its CA.
                    "dir = " + loopback.trustDir().toAbsolutePath(),
                    "binding = map:" + accounts().toAbsolutePath(),
                    "output = " + gridMapFile().toAbsolutePath(),
                    "state = " + home.resolve("gridmap/state").toAbsolutePath(),
                    "# A demo site has a handful of lines, where one revocation is already more than the 10 % a real site",
                    "# allows a sync to remove at once (the default, which stops mass removals by mistake).",
                    "max-drop-percent = 100",
                    "");
            AtomicFiles.write(config(), text.getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
        }
    }

    /** 'gridmap sync' as the site's timer runs it; a failure stops the start with the tool's own message. */
    void sync() {
        run("sync", "--config", config().toString(), "--quiet");
    }

    /** 'gridmap crl' for the site's trust directory. */
    void fetchCrls() {
        run("crl", "--dir", trustDir().toString(), "--quiet");
    }

    private void run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExitCode code = new GridmapCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), clock).run(args);
        if (code != ExitCode.OK) {
            throw new IllegalStateException("gridmap " + args[0] + " for the demo site failed (" + code + "): "
                    + (err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8)).strip());
        }
    }
}
