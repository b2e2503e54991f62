package org.gridauth.launcher;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.gss.DelegationMode;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsissh.client.GsiSshClient;
import org.gridauth.launcher.ops.LoadReport;
import org.gridauth.launcher.ops.LoadRunner;
import org.gridauth.launcher.ops.PortalBrowser;
import org.gridauth.myproxy.client.MyProxyClient;

/**
 * {@code gridauth load <function> --concurrency N --count M}: concurrent requests against one function of a running
 * suite (R-OP-2), printing throughput and latency percentiles. Functions: myproxy-get, gsissh-login, issuance (the
 * portal's call to the certificate manager, key made on the server, distinct researchers), proxy (stored credential
 * to proxy), sign-on (the whole SAML round trip through the discovery service and the IdP, a new browser session
 * each time) and license-id (one license ID per signed-in researcher; the portal's limits apply, so each account of
 * {@code --accounts} serves one request).
 */
final class LoadCommand {

    static final List<String> FUNCTIONS = List.of("sign-on", "license-id", "issuance", "proxy", "myproxy-get", "gsissh-login");
    private static final String KEY_PASSPHRASE = "load test key passphrase 1";

    private final PrintStream out;
    private final Path home;

    LoadCommand(PrintStream out, Path home) {
        this.out = out;
        this.home = home;
    }

    int run(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("prepare")) {
            return prepare(args);
        }
        if (args.length > 0 && args[0].equals("mix")) {
            return mix(args);
        }
        if (args.length == 0 || !FUNCTIONS.contains(args[0])) {
            return usage(args.length == 0 ? "the function is missing" : "unknown function " + args[0]);
        }
        int concurrency = 4;
        int count = 100;
        Path accounts = null;
        for (int i = 1; i < args.length; i++) {
            try {
                switch (args[i]) {
                    case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                    case "--count" -> count = Integer.parseInt(args[++i]);
                    case "--accounts" -> accounts = Path.of(args[++i]);
                    default -> {
                        return usage("unknown option " + args[i]);
                    }
                }
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                return usage("--concurrency and --count need a number, --accounts a file");
            }
        }
        if (concurrency < 1 || count < 1 || concurrency > 1000) {
            return usage("--concurrency must be 1-1000 and --count at least 1");
        }
        SuiteSettings settings = SuiteSettings.read(home);
        LoopbackPki pki = new LoopbackPki(home, Clock.systemUTC());
        String run = HexFormat.of().formatHex(java.security.SecureRandom.getInstanceStrong().generateSeed(3));
        List<PortalAccounts.Account> signOnAccounts;
        try {
            signOnAccounts = accounts == null ? PortalAccounts.demo() : PortalAccounts.read(accounts);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        if (args[0].equals("license-id") && count > signOnAccounts.size()) {
            return usage("license-id takes one license ID per account: --count " + count + " needs as many accounts in --accounts (have "
                    + signOnAccounts.size() + ")");
        }
        LoadRunner.Request request = switch (args[0]) {
            case "sign-on" -> signOn(settings, pki, signOnAccounts);
            case "license-id" -> licenseId(settings, pki, signOnAccounts.subList(0, count));
            case "myproxy-get" -> myProxyGet(settings, pki);
            case "gsissh-login" -> gsisshLogin(settings, pki);
            case "issuance" -> issuance(settings, pki, i -> "ld" + run + String.format("%05d", i));
            case "proxy" -> proxy(settings, pki, run);
            default -> throw new IllegalStateException(args[0]);
        };
        LoadReport report = new LoadRunner().run(args[0], concurrency, count, request);
        report.lines().forEach(out::println);
        return report.failures() == 0 ? 0 : 1;
    }

    private int prepare(String[] args) throws Exception {
        int users = 100_000;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--users") && i + 1 < args.length && args[i + 1].matches("[0-9]{1,7}")) {
                users = Integer.parseInt(args[++i]);
            } else {
                return usage("prepare takes --users N (1 to 9,999,999), not " + args[i]);
            }
        }
        if (users < 1) {
            return usage("prepare needs at least one user");
        }
        try {
            return new LoadPreparation(out, home).run(users);
        } catch (IllegalStateException e) {
            out.println("gridauth load prepare: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The default mix of 'load mix' (relative weights, per 1,000): what a day of the grid looks like. Researchers log in
     * to resources and fetch proxies many times a day, sign on to web services now and then, have proxies made from
     * their stored credentials by the portal less often, and obtain a licence ID and a certificate about once a year;
     * each site's cron job reads the feed every few minutes.
     */
    static final Map<String, Integer> DEFAULT_MIX = defaultMix();

    private static Map<String, Integer> defaultMix() {
        Map<String, Integer> mix = new java.util.LinkedHashMap<>();
        mix.put("sign-on", 150);
        mix.put("license-id", 30);
        mix.put("issuance", 30);
        mix.put("proxy", 100);
        mix.put("myproxy-get", 350);
        mix.put("gsissh-login", 320);
        mix.put("feed-sync", 20);
        return java.util.Collections.unmodifiableMap(mix);
    }

    /**
     * {@code load mix}: every function at once, open loop at {@code --rate} per minute for {@code --duration}, over the
     * researchers 'load prepare' made (sign-ons, licence IDs and MyProxy GETs each take the next researcher, so a run
     * touches as many of them as it makes such requests); heap, live data, descriptors and threads of each JVM at the
     * start and the end.
     */
    private int mix(String[] args) throws Exception {
        double rate = 2000;
        Duration duration = Duration.ofMinutes(30);
        int threads = 64;
        Duration settle = Duration.ofSeconds(65);
        Path accounts = LoadPreparation.accountsFile(home);
        Map<String, Integer> weights = new java.util.LinkedHashMap<>(DEFAULT_MIX);
        for (int i = 1; i < args.length; i++) {
            try {
                switch (args[i]) {
                    case "--rate" -> rate = Double.parseDouble(args[++i]);
                    case "--duration" -> duration = duration(args[++i]);
                    case "--threads" -> threads = Integer.parseInt(args[++i]);
                    case "--accounts" -> accounts = Path.of(args[++i]);
                    case "--mix" -> weights = weights(args[++i]);
                    case "--settle" -> {
                        String value = args[++i];
                        settle = value.equals("0") ? Duration.ZERO : duration(value);
                    }
                    default -> {
                        return usage("unknown option of mix: " + args[i]);
                    }
                }
            } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
                return usage("mix: " + (e.getMessage() == null ? "an option needs a value" : e.getMessage()));
            }
        }
        if (rate <= 0 || rate > 600_000 || threads < 1 || threads > 1000 || duration.isNegative() || duration.isZero()) {
            return usage("mix: --rate must be 1-600000 per minute, --threads 1-1000, --duration positive");
        }
        if (!Files.exists(accounts)) {
            return usage("mix needs the load researchers: run 'gridauth load prepare --users N' with the suite stopped, or give --accounts FILE");
        }
        List<PortalAccounts.Account> researchers = PortalAccounts.read(accounts);
        SuiteSettings settings = SuiteSettings.read(home);
        LoopbackPki pki = new LoopbackPki(home, Clock.systemUTC());
        String run = HexFormat.of().formatHex(java.security.SecureRandom.getInstanceStrong().generateSeed(3));
        Map<String, LoadRunner.Request> functions = new java.util.LinkedHashMap<>();
        functions.put("sign-on", signOn(settings, pki, researchers));
        // license-id takes researchers from the end of the list, continuing where the last run (even a killed one) stopped.
        org.gridauth.launcher.ops.LicenseCursor licenses = new org.gridauth.launcher.ops.LicenseCursor(
                accounts.resolveSibling(accounts.getFileName() + ".license-position"));
        List<PortalAccounts.Account> fromTheEnd = new java.util.ArrayList<>(researchers);
        java.util.Collections.reverse(fromTheEnd);
        LoadRunner.Request license = signedInLicenseId(settings, pki, fromTheEnd);
        functions.put("license-id", i -> license.run(licenses.next()));
        functions.put("issuance", issuance(settings, pki, i -> "ld" + run + String.format("%06d", i)));
        functions.put("proxy", proxy(settings, pki, run));
        functions.put("myproxy-get", researcherGet(settings, pki, researchers));
        functions.put("gsissh-login", gsisshLogin(settings, pki));
        DemoSite site = new DemoSite(home, Clock.systemUTC());
        functions.put("feed-sync", i -> {
            // One site: its syncs follow each other, as one cron job's do.
            synchronized (site) {
                site.sync();
            }
        });
        List<org.gridauth.launcher.ops.MixedLoad.Function> mix = new java.util.ArrayList<>();
        weights.forEach((name, weight) -> mix.add(new org.gridauth.launcher.ops.MixedLoad.Function(name, weight, functions.get(name))));
        org.gridauth.launcher.ops.ServiceVitals vitals = new org.gridauth.launcher.ops.ServiceVitals(Map.of(
                "gridauth up (CA, certificate manager, MyProxy, gateway)", URI.create("http://127.0.0.1:" + settings.certManagerManagementPort()),
                "IdP bridge", URI.create("http://127.0.0.1:" + settings.idpPort()),
                "RA portal", URI.create("https://localhost:" + settings.portalPort())),
                new PortalService(home, settings, pki).trustingLoopback());
        out.printf("gridauth load mix: %.0f requests/minute for %s over %,d researchers, %d threads; mix %s%n", rate, duration, researchers.size(),
                threads, weights);
        vitals.sample().forEach((name, v) -> out.println("  start  " + name + ": " + v));
        long start = System.nanoTime();
        List<org.gridauth.launcher.ops.MixedLoad.FunctionReport> reports = new org.gridauth.launcher.ops.MixedLoad(threads, Duration.ofSeconds(60))
                .run(mix, rate, duration, System.nanoTime(), (minute, started, completed, failed) ->
                        out.printf("  minute %d: %d started, %d completed, %d failed%n", minute, started, completed, failed));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        licenses.close();
        vitals.sample().forEach((name, v) -> out.println("  end    " + name + ": " + v));
        // Kept-alive connections and pooled threads of the last minute still count at the end; a minute later they have
        // closed, so what is still above the start is what the run left behind.
        if (!settle.isZero()) {
            Thread.sleep(settle.toMillis());
            vitals.sample().forEach((name, v) -> out.println("  idle   " + name + ": " + v));
        }
        org.gridauth.launcher.ops.MixedLoad.print(out, reports, elapsed);
        return reports.stream().allMatch(r -> r.failures() == 0) ? 0 : 1;
    }

    private static Duration duration(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,6})(s|m|h)").matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("--duration takes a number and s, m or h (e.g. 30m), not " + text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private static Map<String, Integer> weights(String text) {
        Map<String, Integer> weights = new java.util.LinkedHashMap<>();
        for (String part : text.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2 || !DEFAULT_MIX.containsKey(kv[0].strip()) || !kv[1].strip().matches("[0-9]{1,6}")) {
                throw new IllegalArgumentException("--mix takes function=weight,... with functions " + String.join(", ", DEFAULT_MIX.keySet())
                        + "; not " + part);
            }
            int weight = Integer.parseInt(kv[1].strip());
            if (weight > 0) {
                weights.put(kv[0].strip(), weight);
            }
        }
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("--mix gives no function a weight above 0");
        }
        return weights;
    }

    /** A new browser signs in as the next researcher and asks for one licence ID (what a researcher's first visit does). */
    private LoadRunner.Request signedInLicenseId(SuiteSettings settings, LoopbackPki pki, List<PortalAccounts.Account> accounts) {
        URI portal = URI.create("https://localhost:" + settings.portalPort());
        String idp = "http://localhost:" + settings.idpPort() + "/idp/shibboleth";
        return i -> {
            PortalAccounts.Account account = accounts.get(i % accounts.size());
            PortalBrowser browser = new PortalBrowser(portal, pki.trustDir());
            browser.signIn(idp, account.username(), account.password());
            browser.licenseId();
        };
    }

    /**
     * myproxy-logon as the next researcher: their stored credential, their passphrase. The driver delegates to 16
     * pre-made keys in turn: the key a real myproxy-logon makes per run is the researcher's machine's work, and here
     * it would take the cores the suite is measured on.
     */
    private LoadRunner.Request researcherGet(SuiteSettings settings, LoopbackPki pki, List<PortalAccounts.Account> accounts) throws Exception {
        ChainValidator validator = ChainValidator.strict(pki.trustDir());
        java.security.SecureRandom random = new java.security.SecureRandom();
        List<org.gridauth.gsi.proxy.DelegationRequest> keys = new java.util.ArrayList<>();
        for (int k = 0; k < 16; k++) {
            keys.add(org.gridauth.gsi.proxy.DelegationRequest.generate(2048, random));
        }
        java.util.concurrent.atomic.AtomicInteger turn = new java.util.concurrent.atomic.AtomicInteger();
        MyProxyClient client = new MyProxyClient(validator, Duration.ofSeconds(30), () -> keys.get(Math.floorMod(turn.getAndIncrement(), keys.size())));
        return i -> {
            PortalAccounts.Account account = accounts.get(i % accounts.size());
            client.get("localhost", settings.myProxyPort(), account.username(), account.password(), Duration.ofHours(12));
        };
    }

    private LoadRunner.Request signOn(SuiteSettings settings, LoopbackPki pki, List<PortalAccounts.Account> accounts) {
        URI portal = URI.create("https://localhost:" + settings.portalPort());
        String idp = "http://localhost:" + settings.idpPort() + "/idp/shibboleth";
        return i -> {
            PortalAccounts.Account account = accounts.get(i % accounts.size());
            new PortalBrowser(portal, pki.trustDir()).signIn(idp, account.username(), account.password());
        };
    }

    /** Signs every account in first (not timed), then times one license ID per signed-in researcher. */
    private LoadRunner.Request licenseId(SuiteSettings settings, LoopbackPki pki, List<PortalAccounts.Account> accounts) {
        URI portal = URI.create("https://localhost:" + settings.portalPort());
        String idp = "http://localhost:" + settings.idpPort() + "/idp/shibboleth";
        List<PortalBrowser> sessions = new java.util.ArrayList<>();
        for (PortalAccounts.Account account : accounts) {
            PortalBrowser browser = new PortalBrowser(portal, pki.trustDir());
            browser.signIn(idp, account.username(), account.password());
            sessions.add(browser);
        }
        return i -> sessions.get(i).licenseId();
    }

    private LoadRunner.Request myProxyGet(SuiteSettings settings, LoopbackPki pki) throws Exception {
        char[] passphrase = Files.readString(ProbeCredential.passphraseFile(home)).strip().toCharArray();
        ChainValidator validator = ChainValidator.strict(pki.trustDir());
        MyProxyClient client = new MyProxyClient(validator, Duration.ofSeconds(30));
        return i -> client.get("localhost", settings.myProxyPort(), ProbeCredential.USER, passphrase, Duration.ofHours(1));
    }

    private LoadRunner.Request gsisshLogin(SuiteSettings settings, LoopbackPki pki) throws Exception {
        char[] passphrase = Files.readString(ProbeCredential.passphraseFile(home)).strip().toCharArray();
        Credential proxy;
        try (ChainValidator validator = ChainValidator.strict(pki.trustDir())) {
            proxy = new MyProxyClient(validator, Duration.ofSeconds(30)).get("localhost", settings.myProxyPort(), ProbeCredential.USER, passphrase,
                    Duration.ofHours(2));
        }
        Path file = Files.createTempFile("gridauth-load", ".pem");
        file.toFile().deleteOnExit();
        CredentialFiles.writeProxy(file, proxy);
        // One client for every login (as the gsissh benchmark): each exec is still a new SSH connection, key exchange and
        // GSI authentication; what is shared is the client's loaded proxy and trust directory.
        GsiSshClient client = new GsiSshClient(new GsiSshClient.Options(file, pki.trustDir(), DelegationMode.NONE, null, Duration.ofSeconds(60)));
        return i -> {
            GsiSshClient.Result result = client.exec("localhost", settings.gatewayPort(), Suite.gatewayAccount(), "true");
            if (result.exitStatus() != 0) {
                throw new IllegalStateException("'true' ended with " + result.exitStatus());
            }
        };
    }

    private LoadRunner.Request issuance(SuiteSettings settings, LoopbackPki pki, IntFunction<String> hpciId) {
        CertManagerApi api = new CertManagerApi(pki, settings.certManagerPort());
        return i -> issue(api, hpciId.apply(i));
    }

    private LoadRunner.Request proxy(SuiteSettings settings, LoopbackPki pki, String run) {
        CertManagerApi api = new CertManagerApi(pki, settings.certManagerPort());
        String hpciId = "lp" + run + "00000";
        issue(api, hpciId);
        Map<String, Object> body = Map.of("hpciId", hpciId, "eppn", hpciId + "@load.example.jp", "keyPassphrase", KEY_PASSPHRASE,
                "lifetimeHours", 12, "destination", "DOWNLOAD");
        return i -> api.post("/v1/proxies", body);
    }

    private static void issue(CertManagerApi api, String hpciId) {
        api.post("/v1/certificates", Map.of("requestId", "load-" + hpciId, "hpciId", hpciId, "eppn", hpciId + "@load.example.jp",
                "commonName", "Load Tester " + hpciId, "keyPassphrase", KEY_PASSPHRASE, "keyPassphraseConfirm", KEY_PASSPHRASE,
                "destination", "STORE"));
    }

    private int usage(String problem) {
        out.println("gridauth load: " + problem);
        out.println("usage: gridauth load <" + String.join("|", FUNCTIONS) + "> [--concurrency N] [--count M] [--accounts FILE]");
        out.println("       gridauth load prepare [--users N]     (suite stopped: N researchers in directory, registry and MyProxy; default 100000)");
        out.println("       gridauth load mix [--rate PER_MINUTE] [--duration 30m] [--threads N] [--accounts FILE] [--mix fn=weight,...] [--settle 65s]");
        out.println("  runs M requests, N at a time, against the suite in $GRIDAUTH_HOME and prints throughput and latency percentiles;");
        out.println("  sign-on and license-id sign in at the IdP as the accounts of --accounts (lines 'username password', mode 600;");
        out.println("  default: the demo researchers taro and hanako); license-id takes one license ID per account.");
        out.println("  exit 0 when every request succeeded, 1 otherwise, 2 on bad usage");
        return 2;
    }
}
