package org.gridauth.gridmap.cli;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.gridauth.gridmap.GridmapError;
import org.gridauth.gridmap.check.GridMapChecker;
import org.gridauth.gridmap.crl.CrlFetcher;
import org.gridauth.gridmap.crl.CrlOutcome;
import org.gridauth.gridmap.sync.Binding;
import org.gridauth.gridmap.sync.FeedClient;
import org.gridauth.gridmap.sync.FeedSource;
import org.gridauth.gridmap.sync.GridMapSync;
import org.gridauth.gridmap.sync.SnapshotFeed;
import org.gridauth.gridmap.trust.TrustInstaller;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.error.GridAuthException;

/** The {@code gridmap} command for resource sites (R-RS-2..4). Runs from cron or a systemd timer as root. */
public final class GridmapCommand {

    static final String DEFAULT_DIR = "/etc/grid-security/certificates";
    static final String DEFAULT_CONFIG = "/etc/gridauth/gridmap.conf";

    /** The options of each command; the configuration file may give defaults for the ones that take a value. */
    static final Map<String, List<String>> OPTIONS = Map.of(
            "crl", List.of("config", "dir", "timeout", "aging-tolerance", "quiet"),
            "trust", List.of("config", "dir", "repository", "fingerprint", "timeout"),
            "check", List.of("config", "dir", "no-trust-check"),
            "sync", List.of("config", "dir", "feed", "cert", "key", "state", "output", "binding", "max-drop-percent", "resource", "dry-run", "force",
                    "timeout", "quiet", "full"));

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final Clock clock;

    public GridmapCommand(PrintStream out, PrintStream err, Map<String, String> environment, Clock clock) {
        this.out = out;
        this.err = err;
        this.environment = environment;
        this.clock = clock;
    }

    public static void main(String[] args) {
        System.exit(new GridmapCommand(System.out, System.err, System.getenv(), Clock.systemUTC()).run(args).code());
    }

    public ExitCode run(String... args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.print(HELP);
            return args.length == 0 ? ExitCode.USAGE : ExitCode.OK;
        }
        try {
            List<String> allowed = OPTIONS.get(args[0]);
            if (allowed == null) {
                throw new GridAuthException(GridmapError.USAGE, "unknown command \"" + args[0] + "\"");
            }
            Options given = Options.parse(args);
            given.allow(allowed);
            Options options = given.withDefaults(config(given), allowed);
            return switch (args[0]) {
                case "crl" -> crl(options);
                case "trust" -> trust(options);
                case "check" -> check(options);
                case "sync" -> sync(options);
                default -> throw new GridAuthException(GridmapError.USAGE, "unknown command \"" + args[0] + "\"");
            };
        } catch (GridAuthException e) {
            err.println("gridmap: " + e.getMessage());
            err.println("  " + e.localizedMessage(Locale.JAPANESE));
            err.println("  What to do: " + e.action(Locale.ENGLISH));
            if (e.code() == GridmapError.USAGE || e.code() == GridmapError.BINDING_INVALID) {
                return ExitCode.USAGE;
            }
            if (e.code() == GridmapError.FEED_UNAVAILABLE || e.code() == GridmapError.FEED_INVALID) {
                return ExitCode.FEED_UNAVAILABLE;
            }
            return e.code() == GridmapError.SAFETY_LIMIT ? ExitCode.SAFETY_LIMIT : ExitCode.FAILED;
        }
    }

    /**
     * Defaults from the configuration file: --config, else $GRIDMAP_CONFIG, else /etc/gridauth/gridmap.conf if it
     * exists. Lines "option = value" (option names as on the command line, without the dashes); # comments.
     */
    private Map<String, String> config(Options options) {
        Optional<String> named = options.value("config").or(() -> Optional.ofNullable(environment.get("GRIDMAP_CONFIG")));
        Path file = Path.of(named.orElse(DEFAULT_CONFIG));
        if (named.isEmpty() && !java.nio.file.Files.isRegularFile(file)) {
            return Map.of();
        }
        List<String> lines;
        try {
            lines = java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new GridAuthException(GridmapError.USAGE, "the configuration file " + file + " cannot be read: " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? "" : line.substring(0, eq).strip();
            if (eq < 0 || name.equals("config") || OPTIONS.values().stream().noneMatch(o -> o.contains(name))) {
                throw new GridAuthException(GridmapError.USAGE, file + " line " + (i + 1) + " is not \"option = value\" with a gridmap option");
            }
            values.put(name, line.substring(eq + 1).strip());
        }
        return values;
    }

    private Path trustDir(Options options) {
        String dir = options.value("dir").orElse(environment.getOrDefault("X509_CERT_DIR", DEFAULT_DIR));
        return Path.of(dir);
    }

    private ExitCode crl(Options options) {
        CrlFetcher fetcher = new CrlFetcher(Duration.ofSeconds(options.number("timeout", 30)), Duration.ofHours(options.number("aging-tolerance", 24)),
                clock);
        List<CrlOutcome> outcomes = fetcher.refreshAll(trustDir(options));
        boolean failed = false;
        for (CrlOutcome outcome : outcomes) {
            if (outcome.failed()) {
                failed = true;
                err.println("gridmap crl: " + outcome.hash() + " " + outcome.ca() + ": " + outcome.message());
            } else if (!options.flag("quiet")) {
                out.println(outcome.hash() + " " + outcome.ca() + ": " + outcome.message());
            }
        }
        if (outcomes.isEmpty()) {
            err.println("gridmap crl: no CA certificates (<hash>.0) in " + trustDir(options));
            return ExitCode.FAILED;
        }
        return failed ? ExitCode.FAILED : ExitCode.OK;
    }

    private ExitCode trust(Options options) {
        URI repository = URI.create(options.value("repository").orElseThrow(() -> new GridAuthException(GridmapError.USAGE, "--repository is required")));
        String fingerprint = options.value("fingerprint").orElseThrow(() -> new GridAuthException(GridmapError.USAGE,
                "--fingerprint is required (the CA's SHA-256 fingerprint from its HTTPS page)"));
        TrustInstaller.Installed installed = new TrustInstaller(Duration.ofSeconds(options.number("timeout", 30))).install(repository, fingerprint,
                trustDir(options));
        out.println("installed " + installed.subject() + " as " + installed.hash() + ".0 (SHA-256 " + installed.sha256() + ") with "
                + installed.files().size() + " files in " + trustDir(options));
        return ExitCode.OK;
    }

    private ExitCode check(Options options) {
        if (options.positional().size() != 1) {
            throw new GridAuthException(GridmapError.USAGE, "check takes one grid-mapfile");
        }
        Path file = Path.of(options.positional().get(0));
        Optional<Path> dir = options.flag("no-trust-check") ? Optional.empty() : Optional.of(trustDir(options));
        List<GridMapChecker.Problem> problems = new GridMapChecker().check(file, dir);
        for (GridMapChecker.Problem problem : problems) {
            err.println(new GridAuthException(GridmapError.GRIDMAP_INVALID, file, problem.line(), problem.message()).getMessage());
        }
        if (problems.isEmpty()) {
            out.println(file + ": OK");
        }
        return problems.isEmpty() ? ExitCode.OK : ExitCode.FAILED;
    }

    private ExitCode sync(Options options) {
        URI feed;
        try {
            feed = new URI(options.value("feed").orElseThrow(() -> new GridAuthException(GridmapError.USAGE, "--feed is required")));
        } catch (java.net.URISyntaxException e) {
            throw new GridAuthException(GridmapError.USAGE, "--feed is not a URL: " + e.getMessage());
        }
        Binding binding = Binding.parse(options.value("binding")
                .orElseThrow(() -> new GridAuthException(GridmapError.USAGE, "--binding is required (map:<file>, template:<pattern> or ldap:<url>)")));
        FeedSource source;
        if ("file".equals(feed.getScheme())) {
            if (feed.getPath() == null || !feed.getPath().startsWith("/")) {
                throw new GridAuthException(GridmapError.USAGE, "--feed file: needs an absolute path, e.g. file:/var/lib/gridauth/feed.json.gz");
            }
            source = new SnapshotFeed(feed);
        } else if ("https".equals(feed.getScheme())) {
            Path cert = Path.of(options.value("cert").orElse("/etc/grid-security/hostcert.pem"));
            Path key = Path.of(options.value("key").orElse("/etc/grid-security/hostkey.pem"));
            Credential host;
            try {
                host = CredentialFiles.readUserCredential(cert, key, null);
            } catch (GridAuthException e) {
                throw new GridAuthException(GridmapError.USAGE, "the host credential " + cert + " / " + key + " cannot be read: " + e.getMessage());
            }
            source = new FeedClient(feed, host, trustDir(options), Duration.ofSeconds(options.number("timeout", 60)));
        } else {
            throw new GridAuthException(GridmapError.USAGE, "--feed must be an https: URL or a file: snapshot, not \"" + feed + "\"");
        }
        long maxDrop = options.number("max-drop-percent", 10);
        GridMapSync.Outcome outcome = new GridMapSync(source, clock).run(new GridMapSync.Settings(
                Path.of(options.value("output").orElse("/etc/grid-security/grid-mapfile")),
                Path.of(options.value("state").orElse("/var/lib/gridauth/gridmap")), binding, (int) Math.min(100, maxDrop), options.flag("force"),
                options.flag("dry-run"), options.value("resource"), options.flag("full")));
        for (String problem : outcome.rejected()) {
            err.println("gridmap sync: rejected " + problem);
        }
        if (options.flag("dry-run")) {
            outcome.diff().forEach(out::println);
        }
        if (!options.flag("quiet") || options.flag("dry-run")) {
            out.println((outcome.written() ? "wrote " : options.flag("dry-run") ? "would write " : "unchanged, ") + outcome.entries() + " entries (+" + outcome.added() + " -" + outcome.removed()
                    + ", " + outcome.unbound() + " without a local account, " + outcome.rejected().size() + " rejected"
                    + (outcome.incremental() ? ", changes only" : ", full feed") + "), cursor " + outcome.cursor());
        }
        return outcome.rejected().isEmpty() ? ExitCode.OK : ExitCode.FAILED;
    }

    /** --name value, --flag, and positional arguments after the command. */
    record Options(Map<String, String> values, List<String> positional) {
        private static final List<String> FLAGS = List.of("quiet", "no-trust-check", "dry-run", "force", "full");

        static Options parse(String[] args) {
            Map<String, String> values = new HashMap<>();
            List<String> positional = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (a.startsWith("--")) {
                    String name = a.substring(2);
                    int eq = name.indexOf('=');
                    if (eq > 0) {
                        values.put(name.substring(0, eq), name.substring(eq + 1));
                    } else if (FLAGS.contains(name)) {
                        values.put(name, "true");
                    } else if (i + 1 < args.length) {
                        values.put(name, args[++i]);
                    } else {
                        throw new GridAuthException(GridmapError.USAGE, "--" + name + " needs a value");
                    }
                } else {
                    positional.add(a);
                }
            }
            return new Options(values, positional);
        }

        /** These options, with defaults for the ones not given (flags only when the default is "true"). */
        Options withDefaults(Map<String, String> defaults, List<String> allowed) {
            Map<String, String> merged = new HashMap<>(values);
            defaults.forEach((name, value) -> {
                if (allowed.contains(name) && !merged.containsKey(name) && (!FLAGS.contains(name) || value.equals("true"))) {
                    merged.put(name, value);
                }
            });
            return new Options(merged, positional);
        }

        void allow(List<String> names) {
            for (String key : values.keySet()) {
                if (!names.contains(key)) {
                    throw new GridAuthException(GridmapError.USAGE, "unknown option --" + key);
                }
            }
        }

        Optional<String> value(String name) {
            return Optional.ofNullable(values.get(name));
        }

        boolean flag(String name) {
            return values.containsKey(name);
        }

        long number(String name, long fallback) {
            String v = values.get(name);
            if (v == null) {
                return fallback;
            }
            try {
                long n = Long.parseLong(v);
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new GridAuthException(GridmapError.USAGE, "--" + name + " must be a non-negative number, not \"" + v + "\"");
            }
        }
    }

    static final String HELP = """
            NAME
                gridmap - grid-mapfile, CRL and trust-anchor maintenance for resource sites

            SYNOPSIS
                gridmap crl   [--dir DIR] [--timeout SECONDS] [--aging-tolerance HOURS] [--quiet]
                gridmap trust --repository URL --fingerprint SHA256 [--dir DIR] [--timeout SECONDS]
                gridmap check [--dir DIR | --no-trust-check] GRID-MAPFILE
                gridmap sync  --feed URL --binding RULE [--cert FILE] [--key FILE] [--dir DIR] [--state DIR]
                              [--output FILE] [--resource ID] [--max-drop-percent N] [--timeout SECONDS]
                              [--full] [--dry-run] [--force] [--quiet]
                gridmap help
                Every command also takes --config FILE.

            DESCRIPTION
                crl    For every CA (<hash>.0) in the trust directory, download its CRL from <hash>.crl_url
                       (or crl_url in <hash>.info), verify the signature with the CA's key, refuse a CRL whose
                       nextUpdate is in the past or lastUpdate in the future (beyond the aging tolerance, default
                       24 h) or that is older than the installed one, and install <hash>.r0 atomically.
                trust  Download the CA's trust bundle (URL/trust-bundle.tar.gz), check that the CA certificate's
                       SHA-256 fingerprint is the one given (take it from the CA's HTTPS page), then install
                       <hash>.0, .signing_policy, .namespaces, .crl_url, .info and .r0.
                check  Report every problem of a grid-mapfile with its line: unreadable lines, DNs listed twice,
                       DNs no trusted CA may issue.
                sync   Read the certificate manager's feed for this site (mutual TLS with the host certificate,
                       default /etc/grid-security/hostcert.pem and hostkey.pem; only the changes since the last
                       run), bind each valid researcher to local accounts with RULE, and replace the grid-mapfile
                       (default /etc/grid-security/grid-mapfile) atomically, keeping the previous one as .bak.
                       URL: https://HOST:PORT of the certificate manager, or file:/PATH of a saved feed document
                       (gridauth-feed/1, gzip-compressed or not; a "changes" document only on top of the sync
                       whose cursor it continues).
                       RULE: map:FILE (lines "ePPN-or-HPCI-ID account[,account]"), template:PATTERN with
                       {hpciId}, {localAccount}, {eppnUser}, {hpciNumber} (e.g. template:hpci{hpciNumber}), or
                       ldap:ldap://HOST/BASE?ATTRIBUTE?SCOPE?FILTER with {hpciId} or {eppn} in the filter
                       (e.g. ldap:ldap://ldap.site.jp/ou=people,dc=site,dc=jp?uid?sub?(hpciId={hpciId})).
                       Researchers without an account get no line. A run that would remove more than
                       --max-drop-percent (default 10) of the entries stops with status 4 unless --force;
                       --dry-run prints the change and writes nothing; --full reads the whole feed and binds
                       everyone again (after changing accounts in an LDAP directory). State and lock: --state
                       (default /var/lib/gridauth/gridmap).

                DIR defaults to $X509_CERT_DIR, else /etc/grid-security/certificates.
                Defaults for any option that takes a value come from --config FILE, else $GRIDMAP_CONFIG,
                else /etc/gridauth/gridmap.conf if it exists: lines "option = value" (e.g. "feed = https://
                cm.example.jp:8444"); an option on the command line wins.

            EXIT STATUS
                0  success
                1  something failed (details on standard error); installed files are left as they were
                2  usage error; nothing was done
                3  (sync) the certificate manager's feed could not be read; the grid-mapfile is unchanged
                4  (sync) the safety limit refused the change; rerun with --force after checking

            FILES
                /etc/gridauth/gridmap.conf            defaults for the options
                /etc/grid-security/certificates       trust directory
                /etc/grid-security/grid-mapfile       grid-mapfile (previous one: grid-mapfile.bak)
                /var/lib/gridauth/gridmap             sync state (feed cursor) and lock
            """;
}
