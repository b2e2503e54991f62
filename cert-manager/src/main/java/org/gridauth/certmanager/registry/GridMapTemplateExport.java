package org.gridauth.certmanager.registry;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.certmanager.store.CmDatabase;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Command line: export the grid-mapfile template of one resource.
 *
 * <pre>
 * java -cp cert-manager.jar:... org.gridauth.certmanager.registry.GridMapTemplateExport \
 *     --jdbc-url jdbc:postgresql://db/cm --db-user cm [--db-password-file /etc/gridauth/cm-db.pass] \
 *     --resource res-a [--accounts hpci-id|local-account] [--output /srv/templates/res-a.grid-mapfile]
 * </pre>
 *
 * The password comes from {@code --db-password-file} or the environment variable {@code GRIDAUTH_CM_DB_PASSWORD},
 * never from the command line. Without {@code --output} the template goes to standard output. Exit status: 0
 * written, 1 refused or failed (the GA-CM message on standard error; an existing output file is left unchanged),
 * 2 usage error.
 */
public final class GridMapTemplateExport {

    private GridMapTemplateExport() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        List<String> known = List.of("--jdbc-url", "--db-user", "--db-password-file", "--resource", "--accounts", "--output");
        for (int i = 0; i < args.length; i++) {
            if (!known.contains(args[i]) || i + 1 >= args.length) {
                err.println("usage: GridMapTemplateExport --jdbc-url URL [--db-user USER] [--db-password-file FILE] --resource ID"
                        + " [--accounts hpci-id|local-account] [--output FILE]");
                err.println(known.contains(args[i]) ? args[i] + " needs a value" : "unknown option " + args[i]);
                return 2;
            }
            options.put(args[i], args[++i]);
        }
        if (!options.containsKey("--jdbc-url") || !options.containsKey("--resource")) {
            err.println("usage: --jdbc-url and --resource are required");
            return 2;
        }
        String accountsOption = options.getOrDefault("--accounts", "hpci-id");
        GridMapTemplates.Accounts accounts;
        switch (accountsOption) {
            case "hpci-id" -> accounts = GridMapTemplates.Accounts.HPCI_ID;
            case "local-account" -> accounts = GridMapTemplates.Accounts.LOCAL_ACCOUNT;
            default -> {
                err.println("usage: --accounts is hpci-id or local-account, not " + accountsOption);
                return 2;
            }
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(options.get("--jdbc-url"));
        config.setMaximumPoolSize(2);
        if (options.containsKey("--db-user")) {
            config.setUsername(options.get("--db-user"));
        }
        try {
            String password = System.getenv("GRIDAUTH_CM_DB_PASSWORD");
            if (options.containsKey("--db-password-file")) {
                password = Files.readString(Path.of(options.get("--db-password-file")), StandardCharsets.UTF_8).strip();
            }
            if (password != null) {
                config.setPassword(password);
            }
        } catch (IOException e) {
            err.println(new GridAuthException(CertManagerError.TEMPLATE_EXPORT_FAILED, "cannot read the password file: " + e.getMessage()).getMessage());
            return 1;
        }
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            GridMapTemplates templates = new GridMapTemplates(new CmDatabase(dataSource), Clock.systemUTC());
            GridMapTemplates.Template template;
            if (options.containsKey("--output")) {
                template = templates.export(options.get("--resource"), accounts, Path.of(options.get("--output")));
                err.println("wrote " + template.lines().size() + " entries to " + options.get("--output"));
            } else {
                template = templates.forResource(options.get("--resource"), accounts);
                out.print(template.text());
                out.flush();
            }
            return 0;
        } catch (GridAuthException e) {
            err.println(e.getMessage());
            err.println(e.action(java.util.Locale.ENGLISH));
            return 1;
        } catch (RuntimeException e) {
            // Pool start-up failures (wrong URL, database down) arrive as Hikari's own exceptions.
            err.println(new GridAuthException(CertManagerError.DATABASE_UNAVAILABLE, String.valueOf(e.getMessage()).lines().findFirst().orElse("")).getMessage());
            return 1;
        }
    }
}
