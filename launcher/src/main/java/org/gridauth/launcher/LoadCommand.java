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
        return i -> {
            try (GsiSshClient client = new GsiSshClient(new GsiSshClient.Options(file, pki.trustDir(), DelegationMode.NONE, null, Duration.ofSeconds(60)))) {
                GsiSshClient.Result result = client.exec("localhost", settings.gatewayPort(), Suite.gatewayAccount(), "true");
                if (result.exitStatus() != 0) {
                    throw new IllegalStateException("'true' ended with " + result.exitStatus());
                }
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
        out.println("  runs M requests, N at a time, against the suite in $GRIDAUTH_HOME and prints throughput and latency percentiles;");
        out.println("  sign-on and license-id sign in at the IdP as the accounts of --accounts (lines 'username password', mode 600;");
        out.println("  default: the demo researchers taro and hanako); license-id takes one license ID per account.");
        out.println("  exit 0 when every request succeeded, 1 otherwise, 2 on bad usage");
        return 2;
    }
}
