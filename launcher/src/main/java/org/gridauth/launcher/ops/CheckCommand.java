package org.gridauth.launcher.ops;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code gridauth check}: the health probes (R-OP-2) as a Nagios plugin (exit 0 OK, 1 WARNING, 2 CRITICAL,
 * 3 UNKNOWN; first line a summary with performance data) or, with {@code --prometheus}, in the Prometheus text
 * format for node_exporter's textfile collector. Targets come from the suite home; options point them elsewhere.
 */
public final class CheckCommand {

    private static final Set<String> OPTIONS = Set.of("home", "ca-repository", "ca-certificate", "trust-dir", "myproxy", "probe-user",
            "probe-passphrase-file", "idp-metadata", "portal", "gateway", "gateway-account", "crl-warning-hours", "certificate-warning-days");

    private final PrintStream out;
    private final Clock clock;

    public CheckCommand(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    /** Where 'gridauth up' put things in {@code home}; the defaults of every option. */
    public interface SuiteLayout {
        CheckTargets targets(Path home);
    }

    public int run(String[] args, Path defaultHome, SuiteLayout layout) {
        Map<String, String> options = new HashMap<>();
        boolean prometheus = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--prometheus")) {
                prometheus = true;
            } else if (arg.equals("-h") || arg.equals("--help")) {
                return usage();
            } else if (arg.startsWith("--") && OPTIONS.contains(arg.substring(2)) && i + 1 < args.length) {
                options.put(arg.substring(2), args[++i]);
            } else {
                out.println("gridauth check: unknown or incomplete option " + arg);
                usage();
                return CheckStatus.UNKNOWN.exitCode();
            }
        }
        CheckTargets targets;
        try {
            targets = override(layout.targets(Path.of(options.getOrDefault("home", defaultHome.toString()))), options);
        } catch (RuntimeException e) {
            out.println("GRIDAUTH UNKNOWN - cannot read the suite's settings: " + e.getMessage());
            return CheckStatus.UNKNOWN.exitCode();
        }
        List<CheckResult> results = new Probes(targets, clock).all();
        CheckStatus worst = results.stream().map(CheckResult::status).reduce(CheckStatus.OK, CheckStatus::worse);
        if (prometheus) {
            out.print(prometheusText(results));
        } else {
            out.print(nagiosText(results, worst));
        }
        return worst.exitCode();
    }

    static String nagiosText(List<CheckResult> results, CheckStatus worst) {
        StringBuilder text = new StringBuilder("GRIDAUTH ").append(worst).append(" - ")
                .append(results.stream().filter(r -> r.status() == CheckStatus.OK).count()).append('/').append(results.size())
                .append(" probes OK |");
        for (CheckResult result : results) {
            text.append(' ').append(result.name()).append("_time=").append(String.format(Locale.ROOT, "%.3fs", result.took().toNanos() / 1e9));
        }
        text.append('\n');
        for (CheckResult result : results) {
            text.append(result.status()).append(' ').append(result.name()).append(": ").append(oneLine(result.message())).append('\n');
        }
        return text.toString();
    }

    static String prometheusText(List<CheckResult> results) {
        StringBuilder text = new StringBuilder();
        text.append("# HELP gridauth_check_status Probe state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (Nagios states).\n");
        text.append("# TYPE gridauth_check_status gauge\n");
        for (CheckResult result : results) {
            text.append("gridauth_check_status{check=\"").append(result.name()).append("\"} ").append(result.status().exitCode()).append('\n');
        }
        text.append("# HELP gridauth_check_duration_seconds How long the probe took.\n");
        text.append("# TYPE gridauth_check_duration_seconds gauge\n");
        for (CheckResult result : results) {
            text.append("gridauth_check_duration_seconds{check=\"").append(result.name()).append("\"} ")
                    .append(String.format(Locale.ROOT, "%.3f", result.took().toNanos() / 1e9)).append('\n');
        }
        for (CheckResult result : results) {
            result.gauges().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(gauge -> {
                text.append("# TYPE gridauth_").append(gauge.getKey()).append(" gauge\n");
                text.append("gridauth_").append(gauge.getKey()).append(' ').append(String.format(Locale.ROOT, "%.0f", gauge.getValue())).append('\n');
            });
        }
        return text.toString();
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("[\\r\\n]+", " ");
    }

    private CheckTargets override(CheckTargets t, Map<String, String> o) {
        String[] myProxy = hostPort(o.get("myproxy"), t.myProxyHost(), t.myProxyPort());
        String[] gateway = hostPort(o.get("gateway"), t.gatewayHost(), t.gatewayPort());
        return new CheckTargets(
                o.containsKey("ca-repository") ? URI.create(o.get("ca-repository")) : t.caRepository(),
                o.containsKey("ca-certificate") ? Path.of(o.get("ca-certificate")) : t.caCertificate(),
                o.containsKey("trust-dir") ? Path.of(o.get("trust-dir")) : t.trustDir(),
                myProxy[0], Integer.parseInt(myProxy[1]),
                o.getOrDefault("probe-user", t.probeUser()),
                o.containsKey("probe-passphrase-file") ? Path.of(o.get("probe-passphrase-file")) : t.probePassphrase(),
                o.containsKey("idp-metadata") ? URI.create(o.get("idp-metadata")) : t.idpMetadata(),
                o.containsKey("portal") ? URI.create(o.get("portal")) : t.portal(),
                gateway[0], Integer.parseInt(gateway[1]),
                o.getOrDefault("gateway-account", t.gatewayAccount()),
                o.containsKey("crl-warning-hours") ? Duration.ofHours(Long.parseLong(o.get("crl-warning-hours"))) : t.crlWarning(),
                o.containsKey("certificate-warning-days") ? Duration.ofDays(Long.parseLong(o.get("certificate-warning-days"))) : t.certificateWarning());
    }

    private static String[] hostPort(String value, String host, int port) {
        if (value == null) {
            return new String[] {host, Integer.toString(port)};
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected host:port, not " + value);
        }
        Integer.parseInt(value.substring(colon + 1));
        return new String[] {value.substring(0, colon), value.substring(colon + 1)};
    }

    private int usage() {
        out.println("usage: gridauth check [--prometheus] [--home DIR] [--ca-repository URL] [--ca-certificate PEM] [--trust-dir DIR]");
        out.println("                      [--myproxy HOST:PORT] [--probe-user NAME] [--probe-passphrase-file FILE]");
        out.println("                      [--idp-metadata URL] [--portal URL] [--gateway HOST:PORT] [--gateway-account NAME]");
        out.println("                      [--crl-warning-hours N] [--certificate-warning-days N]");
        out.println("  Probes the CA repository (CRL signed and fresh), a MyProxy GET of the probe credential, the IdP's metadata,");
        out.println("  the portal, and a GSI-SSH login with the proxy MyProxy gave. Exit codes as a Nagios plugin: 0 OK,");
        out.println("  1 WARNING, 2 CRITICAL, 3 UNKNOWN. --prometheus prints the Prometheus text format instead.");
        return CheckStatus.UNKNOWN.exitCode();
    }
}
