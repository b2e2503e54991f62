package org.gridauth.idp.load;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridauth.idp.IdpApplication;
import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.testing.Browser;
import org.gridauth.idp.testing.SamlResponses;
import org.gridauth.idp.testing.TestSp;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Load driver (issue #5, R-IDP-4): starts the IdP on the embedded directory filled with {@code accounts} generated
 * users, then has {@code clients} threads complete {@code logins} full Web Browser SSO sign-ons, each as a different
 * user in a fresh browser session (AuthnRequest over HTTP-Redirect, login page, password POST, signed Response in the
 * POST form; every 50th Response is decoded and its signatures verified). Prints logins/s and latency percentiles.
 *
 * <p>Run: {@code ./mvnw -pl idp-bridge test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.gridauth.idp.load.SsoLoadDriver -Dexec.args="10000 3000 8 [response|both] [same|process] [key bits]"}, or
 * {@code benchmarks/run-idp-benchmark.sh}
 */
public final class SsoLoadDriver {

    private static java.security.cert.X509Certificate idpCertificate;
    private static boolean assertionSigned;

    private SsoLoadDriver() {
    }

    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int logins = args.length > 1 ? Integer.parseInt(args[1]) : 3_000;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        // "response" (default): the SP's metadata does not ask for signed assertions, as Shibboleth SP's generated
        // metadata; "both": WantAssertionsSigned="true", so assertion and Response are signed (two RSA signatures).
        assertionSigned = args.length > 3 && args[3].equals("both");
        // "process": the IdP runs as a JVM of its own, so its CPU time per sign-on can be read from /proc.
        boolean separate = args.length > 4 && args[4].equals("process");
        // Size of the IdP's signing key (default 3072, the size the IdP generates).
        int keyBits = args.length > 5 ? Integer.parseInt(args[5]) : 3072;
        OpenSaml.init();
        Path dir = Files.createTempDirectory("idp-load");
        StringBuilder ldif = new StringBuilder("dn: dc=hpci,dc=example,dc=jp\nobjectClass: domain\ndc: hpci\n\n"
                + "dn: ou=people,dc=hpci,dc=example,dc=jp\nobjectClass: organizationalUnit\nou: people\n\n");
        for (int i = 0; i < accounts; i++) {
            String uid = String.format("user%05d", i);
            ldif.append("dn: uid=").append(uid).append(",ou=people,dc=hpci,dc=example,dc=jp\nobjectClass: inetOrgPerson\nobjectClass: eduPerson\nobjectClass: hpciPerson\nuid: ").append(uid)
                    .append("\ncn: User ").append(i).append("\nsn: User\ngivenName: Number").append(i).append("\nhpciId: hpci").append(String.format("%06d", i))
                    .append("\neduPersonPrincipalName: ").append(uid).append("@hpci.example.jp\nhpciAccountState: active\nuserPassword: pw-")
                    .append(uid).append("-Load\n\n");
        }
        Files.writeString(dir.resolve("accounts.ldif"), ldif);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        TestSp sp = new TestSp(dir, "https://load.test/sp", "https://load.test/Shibboleth.sso/SAML2/POST", false);
        if (!assertionSigned) {
            sp.responseSignatureOnly();
        }
        if (keyBits != 3072) {
            org.gridauth.idp.protocol.SigningKeys.generate(dir.resolve("home/idp-signing.crt"), dir.resolve("home/idp-signing.key"), "127.0.0.1",
                    java.time.Clock.systemUTC(), keyBits);
        }
        String[] idpArgs = {"--server.port=" + port, "--gridauth.idp.base-url=" + base,
                "--gridauth.idp.home=" + dir.resolve("home"), "--gridauth.idp.sp-metadata[0]=" + sp.writeMetadata(dir),
                "--gridauth.idp.ldap.embedded-ldif=" + dir.resolve("accounts.ldif"), "--logging.level.gridauth.idp.audit=WARN",
                "--gridauth.idp.throttle.max-per-address=1000000"};
        ConfigurableApplicationContext idp = null;
        Process process = null;
        if (separate) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), IdpApplication.class.getName()));
            command.addAll(List.of(idpArgs));
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("idp.log").toFile()).start();
            awaitIdp(base, process);
        } else {
            idp = SpringApplication.run(IdpApplication.class, idpArgs);
        }
        try {
            idpCertificate = org.gridauth.gsi.credential.CredentialFiles.readCertificates(dir.resolve("home/idp-signing.crt")).get(0);
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            // Warm-up: JIT, pools, parser pool.
            run(client, base, sp, separate ? 1000 : 200, clients, accounts, 0);
            long cpuBefore = process == null ? 0 : cpuMillis(process.pid());
            long[] latencies = run(client, base, sp, logins, clients, accounts, separate ? 1000 : 200);
            String line = report(accounts, logins, clients, latencies);
            if (process != null) {
                line += String.format(", IdP process CPU %.1f ms per sign-on", (cpuMillis(process.pid()) - cpuBefore) / (double) logins);
            }
            line += ", RSA-" + keyBits + " signing key";
            System.out.println(line);
        } catch (Exception e) {
            e.printStackTrace(System.out);
            stop(idp, process);
            System.exit(1);
        }
        stop(idp, process);
        // ldaptive's netty and the HTTP client leave non-daemon threads; exec:java would wait for them.
        System.exit(0);
    }

    private static long[] run(HttpClient client, String base, TestSp sp, int logins, int clients, int accounts, int offset) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger next = new AtomicInteger(offset);
        List<Long> times = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                int n;
                while ((n = next.getAndIncrement()) < offset + logins) {
                    long t0 = System.nanoTime();
                    signOn(client, base, sp, String.format("user%05d", n % accounts), n % 50 == 0);
                    times.add(System.nanoTime() - t0);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        long elapsed = System.nanoTime() - start;
        pool.shutdown();
        long[] result = new long[times.size() + 1];
        for (int i = 0; i < times.size(); i++) {
            result[i] = times.get(i);
        }
        result[times.size()] = elapsed;
        return result;
    }

    private static void signOn(HttpClient client, String base, TestSp sp, String user, boolean verify) throws Exception {
        String query = TestSp.redirectQuery(OpenSaml.toXml(sp.authnRequest(base + "/idp/profile/SAML2/Redirect/SSO", null)), null, null);
        HttpResponse<String> first = client.send(HttpRequest.newBuilder(URI.create(base + "/idp/profile/SAML2/Redirect/SSO?" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = cookie(first);
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(base + "/idp/login")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        String form = "csrf=" + Browser.field(page.body(), "csrf") + "&username=" + user + "&password="
                + URLEncoder.encode("pw-" + user + "-Load", StandardCharsets.UTF_8);
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(base + "/idp/login")).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        String response = Browser.field(answer.body(), "SAMLResponse");
        if (answer.statusCode() != 200 || response == null) {
            String code = answer.body().replaceAll("(?s).*?(GA-IDP-\\d{3}).*", "$1");
            throw new IllegalStateException("sign-on of " + user + " failed: HTTP " + answer.statusCode() + " " + (code.length() == 10 ? code : ""));
        }
        if (verify) {
            var decoded = SamlResponses.decode(response);
            if (assertionSigned) {
                SamlResponses.verifySignatures(decoded, idpCertificate);
            } else {
                SamlResponses.verifyResponseSignature(decoded, idpCertificate);
            }
            if (decoded.getAssertions().isEmpty() || (decoded.getAssertions().get(0).getSignature() != null) != assertionSigned || !decoded.getAssertions().get(0).getSubject().getNameID().getValue().matches("[A-Za-z0-9+/=]+")) {
                throw new IllegalStateException("unexpected response for " + user);
            }
        }
    }

    private static void awaitIdp(String base, Process process) throws Exception {
        HttpClient probe = HttpClient.newHttpClient();
        for (int i = 0; i < 600; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the IdP process exited");
            }
            try {
                if (probe.send(HttpRequest.newBuilder(URI.create(base + "/idp/shibboleth")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the IdP did not start within 60 s");
    }

    /** User + system CPU time of a process (Linux /proc, clock ticks of 10 ms). */
    private static long cpuMillis(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    private static void stop(ConfigurableApplicationContext idp, Process process) throws InterruptedException {
        if (idp != null) {
            idp.close();
        }
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }

    private static String cookie(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("GRIDAUTH_IDP_SESSION="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
    }

    private static String report(int accounts, int logins, int clients, long[] latencies) {
        long elapsed = latencies[latencies.length - 1];
        long[] sorted = java.util.Arrays.copyOf(latencies, latencies.length - 1);
        java.util.Arrays.sort(sorted);
        double perSecond = logins / (elapsed / 1e9);
        return String.format("idp-bridge SSO load: %d accounts, %d complete sign-ons, %d clients, %d CPUs, %s signed: %.1f logins/s, "
                        + "p50 %.1f ms, p99 %.1f ms, max %.1f ms", accounts, logins, clients, Runtime.getRuntime().availableProcessors(),
                assertionSigned ? "Response and assertion" : "Response",
                perSecond, sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6);
    }
}
