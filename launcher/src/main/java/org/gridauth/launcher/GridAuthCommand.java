package org.gridauth.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsi.trust.RevocationMode;

/**
 * The {@code gridauth} command. {@code up} prepares the embedded defaults under the gridauth home
 * ({@code $GRIDAUTH_HOME}, default {@code ~/.gridauth}) and starts the services that exist so far.
 */
public final class GridAuthCommand {

    private final PrintStream out;
    private final Path home;
    private final Clock clock;

    GridAuthCommand(PrintStream out, Path home, Clock clock) {
        this.out = out;
        this.home = home;
        this.clock = clock;
    }

    public static void main(String[] args) {
        // Every service's JDK HTTP server in this process answers without waiting for delayed ACKs; the JDK reads
        // the property once, when the first server is made, so it is set before any service starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        String configured = System.getenv("GRIDAUTH_HOME");
        Path home = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".gridauth");
        try {
            System.exit(new GridAuthCommand(System.out, home.toAbsolutePath(), Clock.systemUTC()).run(args));
        } catch (Exception e) {
            System.err.println("gridauth: " + e.getMessage());
            System.exit(1);
        }
    }

    int run(String... args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        try {
            return switch (command) {
                case "up" -> up();
                case "myproxy-server" -> {
                    if (args.length != 2) {
                        out.println("usage: gridauth myproxy-server <myproxy-server.config>");
                        yield 2;
                    }
                    org.gridauth.myproxy.server.MyProxyDaemon.main(new String[] {args[1]});
                    yield 0;
                }
                case "cert-manager" -> certManager(java.util.Arrays.copyOfRange(args, 1, args.length));
                case "gridmap" -> new org.gridauth.gridmap.cli.GridmapCommand(out, System.err, System.getenv(), clock)
                        .run(java.util.Arrays.copyOfRange(args, 1, args.length)).code();
                case "ca" -> new org.gridauth.ca.server.CaCommands(out, clock).run(java.util.Arrays.copyOfRange(args, 1, args.length));
                case "gsissh" -> new org.gridauth.gsissh.cli.GsisshCommands(out, System.getenv())
                        .client(java.util.Arrays.copyOfRange(args, 1, args.length));
                case "gsissh-gateway" -> new org.gridauth.gsissh.cli.GsisshCommands(out, System.getenv())
                        .gateway(java.util.Arrays.copyOfRange(args, 1, args.length));
                case "check" -> new org.gridauth.launcher.ops.CheckCommand(out, clock).run(java.util.Arrays.copyOfRange(args, 1, args.length), home,
                        new SuiteTargets());
                case "portcheck" -> new org.gridauth.launcher.ops.PortCheck(out).run(java.util.Arrays.copyOfRange(args, 1, args.length),
                        SuiteSettings.read(home).documentedPorts());
                case "load" -> new LoadCommand(out, home).run(java.util.Arrays.copyOfRange(args, 1, args.length));
                case "backup" -> {
                    if (args.length != 2) {
                        out.println("usage: gridauth backup <archive.tar.gz>   (the suite in $GRIDAUTH_HOME must be stopped)");
                        yield 2;
                    }
                    int files = new SuiteBackup(clock).backup(home, Path.of(args[1]));
                    out.println("Backed up " + files + " files of " + home + " into " + args[1]);
                    out.println("  It holds the CA's token or key files and every passphrase file: keep it as you keep the CA key.");
                    yield 0;
                }
                case "restore" -> {
                    if (args.length != 3) {
                        out.println("usage: gridauth restore <archive.tar.gz> <new-home>");
                        yield 2;
                    }
                    int files = new SuiteBackup(clock).restore(Path.of(args[1]), Path.of(args[2]));
                    out.println("Restored " + files + " files into " + args[2] + "; start it with: GRIDAUTH_HOME=" + args[2] + " ./gridauth up");
                    yield 0;
                }
                case "help", "-h", "--help" -> help();
                default -> {
                    out.println("gridauth: unknown command '" + command + "'");
                    help();
                    yield 2;
                }
            };
        } catch (GridAuthException e) {
            out.println("gridauth: " + e.getMessage());
            out.println("  " + e.localizedMessage(Locale.JAPANESE));
            out.println("  What to do: " + e.action(Locale.ENGLISH));
            return 1;
        }
    }

    /** serve &lt;conf&gt; (or just &lt;conf&gt;), import …, template … */
    private int certManager(String[] args) throws InterruptedException {
        String sub = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : java.util.Arrays.copyOfRange(args, 1, args.length);
        switch (sub) {
            case "import" -> {
                return org.gridauth.certmanager.registry.RegistryImportCommand.run(rest, out, System.err, System.getenv());
            }
            case "template" -> {
                return org.gridauth.certmanager.registry.GridMapTemplateExport.run(rest, out, System.err);
            }
            case "serve" -> {
                if (rest.length != 1) {
                    out.println("usage: gridauth cert-manager serve <cert-manager.conf>");
                    return 2;
                }
                org.gridauth.certmanager.server.CertManagerDaemon.main(rest);
                return 0;
            }
            default -> {
                if (args.length == 1 && !sub.startsWith("-")) {
                    org.gridauth.certmanager.server.CertManagerDaemon.main(args);
                    return 0;
                }
                out.println("usage: gridauth cert-manager serve <cert-manager.conf> | import <options> | template <options>");
                return 2;
            }
        }
    }

    private int up() {
        try (Suite suite = start()) {
            out.println();
            out.println("gridauth is running; press Ctrl-C to stop.");
            Runtime.getRuntime().addShutdownHook(new Thread(suite::close, "gridauth-shutdown"));
            suite.awaitShutdown();
        }
        return 0;
    }

    /** Prepares the embedded defaults, starts the services and prints what to do next. */
    Suite start() {
        return start(ServiceJars.find());
    }

    Suite start(ServiceJars jars) {
        long begin = System.nanoTime();
        Suite suite = Suite.start(home, clock, jars);
        long millis = (System.nanoTime() - begin) / 1_000_000;
        SuiteReport.print(out, home, suite, millis, jars);
        return suite;
    }

    private int help() {
        out.println("usage: gridauth <command>");
        out.println();
        out.println("  up      start the whole suite on loopback with embedded defaults under $GRIDAUTH_HOME (default");
        out.println("          ~/.gridauth): grid CA (key ceremony on first start), IdP and discovery service, RA portal,");
        out.println("          certificate manager, MyProxy, GSI-SSH gateway as a demo site; prints the URLs, demo accounts");
        out.println("          and next steps");
        out.println("  myproxy-server <config>");
        out.println("          run only the MyProxy repository, configured like the reference myproxy-server.config");
        out.println("  ca <command> <ca.conf> [options]");
        out.println("          CA operator commands: ceremony, issue, revoke, crl, checkpoint, audit-verify, serve");
        out.println("          ('gridauth ca' lists their options)");
        out.println("  cert-manager serve <cert-manager.conf>");
        out.println("          run the certificate manager (credential store, proxies, mappings, sites' feed) on 8444");
        out.println("  cert-manager import|template <options>");
        out.println("          import the HPCI office registries; export a resource's grid-mapfile template");
        out.println("  gridmap crl|trust|check|sync [options]");
        out.println("          resource-site tool: CRLs, trust anchors, grid-mapfile check and sync ('gridauth gridmap help')");
        out.println("  gsissh [-p port] [-d | -L] [-J jumphost[:port]] [-m myproxy[:port] [-l name]] user@host command...");
        out.println("          run a command on a GSI-SSH host with the proxy in X509_USER_PROXY (-d/-L delegate;");
        out.println("          -m fetches the proxy from MyProxy first, passphrase on standard input)");
        out.println("  gsissh-gateway <gsissh-gateway.conf>");
        out.println("          run the GSI-SSH gateway (grid-mapfile, CRLs, delegation, jump host)");
        out.println("  check [--prometheus] [options]");
        out.println("          health probes of every service (CA repository and CRL, MyProxy GET, IdP metadata, portal,");
        out.println("          GSI-SSH login); Nagios exit codes, or the Prometheus text format ('gridauth check --help')");
        out.println("  portcheck <host> [--ports LIST] [--range FROM-TO]");
        out.println("          confirm that only the documented ports (R-OP-3) answer on a host");
        out.println("  load <sign-on|license-id|issuance|proxy|myproxy-get|gsissh-login> [--concurrency N] [--count M] [--accounts FILE]");
        out.println("          concurrent requests against one function of the running suite; throughput and latency");
        out.println("  backup <archive.tar.gz>");
        out.println("          every service's database, configuration and keys of the (stopped) suite in one archive");
        out.println("  restore <archive.tar.gz> <new-home>");
        out.println("          check the archive's sums and restore it into a new directory");
        out.println("  help    show this text");
        return 0;
    }
}
