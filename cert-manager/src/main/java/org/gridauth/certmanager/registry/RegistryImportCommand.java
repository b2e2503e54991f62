package org.gridauth.certmanager.registry;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.certmanager.store.CmDatabase;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Command line: import office registries into the certificate manager (for operators and cron).
 *
 * <pre>
 * java -cp cert-manager.jar:... org.gridauth.certmanager.registry.RegistryImportCommand \
 *     --jdbc-url jdbc:postgresql://db/cm --db-user cm [--db-password-file FILE] --actor operator:alice \
 *     [--researchers FILE.csv|FILE.json] [--projects FILE] [--resources FILE] \
 *     [--source-url JDBC-URL [--source-user USER] [--source-password-file FILE] \
 *      [--researchers-query SQL-FILE] [--projects-query SQL-FILE] [--resources-query SQL-FILE]]
 * </pre>
 *
 * The registries given are imported together, all or nothing. Passwords come from the files named or from the
 * environment ({@code GRIDAUTH_CM_DB_PASSWORD}, {@code GRIDAUTH_OFFICE_DB_PASSWORD}), never from the command line.
 * Exit status: 0 imported (a summary on standard output); 1 refused (every problem on its own line on standard
 * error, nothing changed) or failed; 2 usage error.
 */
public final class RegistryImportCommand {

    private static final List<String> OPTIONS = List.of("--jdbc-url", "--db-user", "--db-password-file", "--actor", "--researchers", "--projects",
            "--resources", "--source-url", "--source-user", "--source-password-file", "--researchers-query", "--projects-query", "--resources-query");

    private RegistryImportCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!OPTIONS.contains(args[i]) || i + 1 >= args.length || options.containsKey(args[i])) {
                err.println("usage: RegistryImportCommand --jdbc-url URL [--db-user USER] [--db-password-file FILE] --actor NAME"
                        + " [--researchers FILE] [--projects FILE] [--resources FILE] [--source-url URL [--source-user USER]"
                        + " [--source-password-file FILE] [--researchers-query FILE] [--projects-query FILE] [--resources-query FILE]]");
                err.println(!OPTIONS.contains(args[i]) ? "unknown option " + args[i] : i + 1 >= args.length ? args[i] + " needs a value" : args[i] + " given twice");
                return 2;
            }
            options.put(args[i], args[++i]);
        }
        if (!options.containsKey("--jdbc-url") || !options.containsKey("--actor")) {
            err.println("usage: --jdbc-url and --actor are required");
            return 2;
        }
        Map<RegistryKind, RegistrySource> sources = new EnumMap<>(RegistryKind.class);
        try {
            char[] sourcePassword = password(options.get("--source-password-file"), environment.get("GRIDAUTH_OFFICE_DB_PASSWORD"));
            for (RegistryKind kind : RegistryKind.values()) {
                String file = options.get("--" + kind.jsonKey());
                String query = options.get("--" + kind.jsonKey() + "-query");
                if (file != null && query != null) {
                    err.println("usage: give --" + kind.jsonKey() + " or --" + kind.jsonKey() + "-query, not both");
                    return 2;
                }
                if (query != null && !options.containsKey("--source-url")) {
                    err.println("usage: --" + kind.jsonKey() + "-query needs --source-url");
                    return 2;
                }
                if (file != null) {
                    sources.put(kind, RegistrySource.file(Path.of(file)));
                } else if (query != null) {
                    sources.put(kind, new JdbcRegistrySource(options.get("--source-url"), options.get("--source-user"), sourcePassword,
                            Files.readString(Path.of(query), StandardCharsets.UTF_8).strip()));
                }
            }
        } catch (IOException e) {
            err.println(new GridAuthException(CertManagerError.REGISTRY_SOURCE_UNREADABLE, e.getMessage(), "cannot read the file").getMessage());
            return 1;
        } catch (GridAuthException e) {
            err.println(e.getMessage());
            return 1;
        }
        if (sources.isEmpty()) {
            err.println("usage: name at least one registry (--researchers, --projects, --resources or their -query forms)");
            return 2;
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(options.get("--jdbc-url"));
        config.setMaximumPoolSize(2);
        if (options.containsKey("--db-user")) {
            config.setUsername(options.get("--db-user"));
        }
        try {
            char[] password = password(options.get("--db-password-file"), environment.get("GRIDAUTH_CM_DB_PASSWORD"));
            if (password != null) {
                config.setPassword(new String(password));
            }
        } catch (IOException e) {
            err.println(new GridAuthException(CertManagerError.DATABASE_UNAVAILABLE, "cannot read the password file: " + e.getMessage()).getMessage());
            return 1;
        }
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            ImportReport report = new RegistryImporter(new CmDatabase(dataSource), Clock.systemUTC(), RegistryImporter.DEFAULT_ZONE)
                    .importRegistries(sources, options.get("--actor"));
            out.println("imported as change " + report.change() + " by " + report.actor());
            report.counts().forEach((kind, counts) -> out.println(kind.label() + ": " + counts.total() + " records, " + counts.added() + " added, "
                    + counts.removed() + " removed, " + counts.changed() + " changed"));
            out.println("sites registered or updated: " + report.sitesRegistered() + "; site entries changed: " + report.siteEntryChanges());
            return 0;
        } catch (RegistryImportException e) {
            Object[] a = e.args();
            err.println(e.code().code() + ": " + e.code().format(Locale.ENGLISH, a[0], a[1], a[2], "").strip());
            e.problems().forEach(p -> err.println(p));
            return 1;
        } catch (GridAuthException e) {
            err.println(e.getMessage());
            err.println(e.action(Locale.ENGLISH));
            return 1;
        } catch (RuntimeException e) {
            err.println(new GridAuthException(CertManagerError.DATABASE_UNAVAILABLE, String.valueOf(e.getMessage()).lines().findFirst().orElse("")).getMessage());
            return 1;
        }
    }

    private static char[] password(String file, String environment) throws IOException {
        if (file != null) {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip().toCharArray();
        }
        return environment == null ? null : environment.toCharArray();
    }
}
