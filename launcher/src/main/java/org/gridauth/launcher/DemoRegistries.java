package org.gridauth.launcher;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.gridauth.certmanager.registry.RegistryImportCommand;
import org.gridauth.gsi.credential.AtomicFiles;

/**
 * The HPCI office registries of the embedded defaults (R-CM-4): the IdP's demo researchers and the command-line
 * demo researcher, one project admitting them on one resource, run by the demo site whose host certificate is the
 * loopback site credential. With them the certificate manager's feed tells the site (the GSI-SSH gateway's
 * grid-mapfile, built by 'gridmap sync') who may log in. The CSV files stay under the home as examples of the
 * import format; they are imported once, on the first start.
 */
final class DemoRegistries {

    static final String PROJECT = "hp260001";
    static final String RESOURCE = "res-demo";
    static final String SITE = "site-demo";
    /** Every researcher of the registry with an account at the demo site (HPCI-ID, then e-mail). */
    static final List<String[]> RESEARCHERS = List.of(
            new String[] {"hpci000001", "taro@hpci.example.jp", "Taro", "Yamada", "active"},
            new String[] {"hpci000002", "hanako@hpci.example.jp", "Hanako", "Suzuki", "active"},
            new String[] {"hpci000003", "jiro@hpci.example.jp", "Jiro", "Sato", "suspended"},
            new String[] {"hpci000004", "saburo@hpci.example.jp", "Saburo", "Ito", "deleted"},
            new String[] {Suite.DEMO_RESEARCHER_ID, "shiro@hpci.example.jp", "Shiro", "Tanaka", "active"});

    private final Path dir;

    DemoRegistries(Path home) {
        this.dir = home.resolve("cert-manager/registries");
    }

    /** Imports the demo registries into the certificate manager's database unless that was done before. */
    void ensureImported(String jdbcUrl) {
        Path done = dir.resolve("imported");
        if (Files.exists(done)) {
            return;
        }
        Map<String, String> files = Map.of("researchers", researchers(), "projects", projects(), "resources", resources());
        files.forEach((name, text) -> AtomicFiles.write(dir.resolve(name + ".csv"), text.getBytes(StandardCharsets.UTF_8), AtomicFiles.WORLD_READABLE));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = RegistryImportCommand.run(new String[] {"--jdbc-url", jdbcUrl, "--actor", "gridauth up (embedded defaults)",
                "--researchers", dir.resolve("researchers.csv").toString(), "--projects", dir.resolve("projects.csv").toString(),
                "--resources", dir.resolve("resources.csv").toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        if (status != 0) {
            throw new IllegalStateException("the demo registries were not imported: " + err.toString(StandardCharsets.UTF_8).strip());
        }
        AtomicFiles.write(done, out.toByteArray(), AtomicFiles.WORLD_READABLE);
    }

    private static String researchers() {
        StringBuilder csv = new StringBuilder("hpci_id,eppn,given_name,family_name,email,status\n");
        for (String[] r : RESEARCHERS) {
            csv.append(String.join(",", r[0], r[1], r[2], r[3], r[1], r[4])).append('\n');
        }
        return csv.toString();
    }

    private static String projects() {
        StringBuilder csv = new StringBuilder("project_id,name,vo,start,end,hpci_id,group,role\n");
        for (String[] r : RESEARCHERS) {
            if (r[4].equals("active")) {
                // A project period that covers any demo run; real ones are a fiscal year.
                csv.append(PROJECT).append(",Demo project,hpci.example.jp,2020-04-01,2099-03-31,").append(r[0]).append(",demo,\n");
            }
        }
        return csv.toString();
    }

    private static String resources() {
        return "resource_id,site_id,name,project_id,site_host_dn\n" + RESOURCE + "," + SITE + ",GSI-SSH gateway (demo)," + PROJECT + ","
                + LoopbackPki.SITE_DN + "\n";
    }
}
