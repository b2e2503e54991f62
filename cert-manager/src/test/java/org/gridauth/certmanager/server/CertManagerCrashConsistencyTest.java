package org.gridauth.certmanager.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.gridauth.certmanager.CertManagerFixture;
import org.gridauth.certmanager.service.KeyVault;
import org.gridauth.certmanager.store.CmDatabase;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.myproxy.client.MyProxyClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency of the certificate manager (issue #11 item 2): the daemon runs in a child JVM on an H2 file
 * database, talking to a CA and a MyProxy server in this JVM; the test drives concurrent issuance (STORE) and proxy
 * creation (DOWNLOAD, MYPROXY), kills the child with SIGKILL, and checks the database it left, the CA's records and
 * the restarted service. Each round kills it at another moment:
 * <ol>
 * <li>while the CA holds issuing requests (the CA issues after the certificate manager died), and the first retry
 * comes while the CA is still working on them;</li>
 * <li>after a certificate is recorded and before its request is marked done (a MYPROXY issuance whose MyProxy
 * connection hangs);</li>
 * <li>at a moment the load happens to be at.</li>
 * </ol>
 */
class CertManagerCrashConsistencyTest {

    private static final int ISSUERS = 3;
    private static final int PROXY_MAKERS = 2;
    private static final Pattern SERIAL = Pattern.compile("\"serial\"\\s*:\\s*\"([0-9a-fA-F]+)\"");

    @TempDir
    Path dir;

    /** One issuance request as the portal sent it; {@code serial} once a reply said 200. */
    private static final class Issue {
        final String requestId;
        final String hpciId;
        final String body;
        final String destination;
        volatile String serial;
        volatile boolean inFlight = true;

        Issue(String requestId, String hpciId, String destination) {
            this.requestId = requestId;
            this.hpciId = hpciId;
            this.destination = destination;
            this.body = "{\"requestId\":\"" + requestId + "\",\"hpciId\":\"" + hpciId + "\",\"eppn\":\"" + hpciId + "@example.ac.jp\","
                    + "\"commonName\":\"Crash Tester " + hpciId + "\",\"keyPassphrase\":\"" + passphrase(hpciId) + "\",\"keyPassphraseConfirm\":\""
                    + passphrase(hpciId) + "\",\"destination\":\"" + destination + "\",\"myproxyUsername\":\"" + hpciId.toLowerCase() + "-cert\"}";
        }
    }

    private static String passphrase(String hpciId) {
        return "crash key passphrase " + hpciId;
    }

    private final Map<String, Issue> issues = new ConcurrentHashMap<>();
    private final List<String> stored = Collections.synchronizedList(new ArrayList<>());
    private final List<String> myproxyProxies = Collections.synchronizedList(new ArrayList<>());
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger acknowledgedIssues = new AtomicInteger();
    private final AtomicInteger acknowledgedProxies = new AtomicInteger();
    private final AtomicInteger myproxyProxiesInFlight = new AtomicInteger();
    private volatile boolean myproxyProxiesAllowed = true;
    private CertManagerFixture peers;
    private HttpClient portal;
    private String base;

    @Test
    @DisplayName("R-CM-1, R-CM-2, R-CM-3: a certificate manager killed with SIGKILL during issuance and proxy creation loses no certificate the CA "
            + "issued, never has one issued twice for a request ID, keeps every stored key readable and its audit log consistent, and restarts "
            + "without repair")
    void killedDuringIssuanceAndProxies() throws Exception {
        peers = new CertManagerFixture(dir.resolve("peers"), TestDatabases.h2());
        portal = peers.client(peers.portal);
        InetAddress host = InetAddress.getByName(peers.pki.hostName());
        int port = freePort(host);
        base = "https://" + peers.pki.hostName() + ":" + port;
        try (Forwarder myproxy = new Forwarder(host, peers.myproxy.port()); ChainValidator validator = ChainValidator.strict(peers.pki.trustDir())) {
            Path conf = config(host, port, myproxy.port());
            CountDownLatch caGate = null;
            for (int round = 1; round <= 3; round++) {
                Process child = start(conf, round);
                try {
                    awaitReady(child, round);
                    if (round == 1) {
                        for (int i = 1; i <= 3; i++) {
                            issueOnce(new Issue("crash-seed-" + i, "CRS" + i, "STORE"));
                        }
                    } else {
                        recover(caGate);
                        caGate = null;
                    }
                    caGate = loadAndKill(child, round, myproxy);
                } finally {
                    child.destroyForcibly();
                    child.waitFor(30, TimeUnit.SECONDS);
                }
                assertThat(unexpected).as("round " + round + ": failures while the certificate manager was alive").isEmpty();
                checkLeftBehind(false);
            }
            Process last = start(conf, 4);
            try {
                awaitReady(last, 4);
                recover(caGate);
                for (String hpciId : List.copyOf(stored)) {
                    // R-CM-2: a proxy is made from every stored credential, including those recorded around a kill.
                    HttpResponse<String> proxy = post("/v1/proxies", "{\"hpciId\":\"" + hpciId + "\",\"eppn\":\"" + hpciId + "@example.ac.jp\","
                            + "\"keyPassphrase\":\"" + passphrase(hpciId) + "\",\"destination\":\"DOWNLOAD\"}");
                    assertThat(proxy.statusCode()).as(hpciId + ": " + proxy.body()).isEqualTo(200);
                }
            } finally {
                last.destroy();
                if (!last.waitFor(30, TimeUnit.SECONDS)) {
                    last.destroyForcibly();
                }
            }
            checkLeftBehind(true);
            MyProxyClient client = new MyProxyClient(validator, Duration.ofSeconds(15));
            for (Issue issue : issues.values()) {
                if (issue.destination.equals("MYPROXY")) {
                    // Its retry finished the hand-over the killed process had begun: the certificate is in MyProxy under the key passphrase.
                    assertThat(client.get(peers.pki.hostName(), peers.myproxy.port(), issue.hpciId.toLowerCase() + "-cert",
                            passphrase(issue.hpciId).toCharArray(), Duration.ofHours(1)).identity().toOpenSsl()).contains(issue.hpciId);
                }
            }
            for (String username : List.copyOf(myproxyProxies)) {
                assertThat(client.get(peers.pki.hostName(), peers.myproxy.port(), username, "crash storage passphrase".toCharArray(),
                        Duration.ofHours(1)).identity()).isNotNull();
            }
        } finally {
            peers.beforeCaSigns = () -> { };
            peers.close();
        }
        System.out.printf("cert-manager crash test: %d issuances and %d proxies acknowledged, %d request IDs, %d MyProxy proxies%n",
                acknowledgedIssues.get(), acknowledgedProxies.get(), issues.size(), myproxyProxies.size());
    }

    /**
     * Issuers and proxy makers run until the round's moment comes, then the child is killed under them. Returns the gate
     * still holding the CA (round 1), to be opened after the first retries.
     */
    private CountDownLatch loadAndKill(Process child, int round, Forwarder myproxy) throws Exception {
        AtomicBoolean killed = new AtomicBoolean();
        ExecutorService workers = Executors.newFixedThreadPool(ISSUERS + PROXY_MAKERS + 1);
        int issuedBefore = acknowledgedIssues.get();
        int proxiesBefore = acknowledgedProxies.get();
        CountDownLatch gate = null;
        try {
            for (int t = 0; t < ISSUERS; t++) {
                int thread = t;
                workers.submit(() -> {
                    for (int i = 0; !killed.get(); i++) {
                        String hpciId = "CR" + round + "T" + thread + "N" + i;
                        Issue issue = new Issue("crash-r" + round + "-t" + thread + "-" + i, hpciId, "STORE");
                        issues.put(issue.requestId, issue);
                        if (!send(issue, killed)) {
                            return null;
                        }
                    }
                    return null;
                });
            }
            for (int t = 0; t < PROXY_MAKERS; t++) {
                int thread = t;
                workers.submit(() -> {
                    for (int i = 0; !killed.get(); i++) {
                        List<String> from = List.copyOf(stored);
                        String hpciId = from.get((i * PROXY_MAKERS + thread) % from.size());
                        boolean toMyProxy = i % 2 == 1 && myproxyProxiesAllowed;
                        if (toMyProxy) {
                            myproxyProxiesInFlight.incrementAndGet();
                        }
                        try {
                            String username = hpciId.toLowerCase() + "-px-r" + round + "-" + thread + "-" + i;
                            HttpResponse<String> reply = post("/v1/proxies", "{\"hpciId\":\"" + hpciId + "\",\"eppn\":\"" + hpciId + "@example.ac.jp\","
                                    + "\"keyPassphrase\":\"" + passphrase(hpciId) + "\",\"lifetimeHours\":2,"
                                    + (toMyProxy ? "\"destination\":\"MYPROXY\",\"myproxyUsername\":\"" + username + "\",\"storagePassphrase\":"
                                    + "\"crash storage passphrase\",\"storagePassphraseConfirm\":\"crash storage passphrase\"}" : "\"destination\":\"DOWNLOAD\"}"));
                            if (reply.statusCode() != 200) {
                                if (!killed.get()) {
                                    unexpected.add("proxy for " + hpciId + ": HTTP " + reply.statusCode() + " " + reply.body());
                                }
                                return null;
                            }
                            if (!reply.body().contains(toMyProxy ? "MYPROXY" : "BEGIN CERTIFICATE")) {
                                unexpected.add("proxy for " + hpciId + ": " + reply.body());
                                return null;
                            }
                            if (toMyProxy) {
                                myproxyProxies.add(username);
                            }
                            acknowledgedProxies.incrementAndGet();
                        } catch (IOException e) {
                            if (!killed.get()) {
                                unexpected.add("proxy for " + hpciId + ": " + e);
                            }
                            return null;
                        } finally {
                            if (toMyProxy) {
                                myproxyProxiesInFlight.decrementAndGet();
                            }
                        }
                    }
                    return null;
                });
            }
            // A few seconds of load before the round's moment: some issuances and proxies acknowledged.
            await("round " + round + " load", child, () -> acknowledgedIssues.get() >= issuedBefore + ISSUERS + round
                    && acknowledgedProxies.get() >= proxiesBefore + 2);
            if (round == 1) {
                // The CA holds the next issuing request before signing; the certificate manager is killed while it waits.
                CountDownLatch held = new CountDownLatch(1);
                AtomicInteger holding = new AtomicInteger();
                peers.beforeCaSigns = () -> {
                    holding.incrementAndGet();
                    try {
                        held.await(120, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                };
                gate = held;
                await("the CA holds a request", child, () -> holding.get() >= 1);
            } else if (round == 2) {
                // A MYPROXY issuance is recorded in the store before it goes to MyProxy: with MyProxy's connection hanging, the
                // certificate manager is killed between recording the certificate and marking the request done.
                myproxyProxiesAllowed = false;
                await("MyProxy proxies finish", child, () -> myproxyProxiesInFlight.get() == 0);
                myproxy.stall(true);
                Issue trap = new Issue("crash-r2-myproxy-0", "CR2MYPROXY", "MYPROXY");
                issues.put(trap.requestId, trap);
                workers.submit(() -> send(trap, killed));
                await("the issuance reaches MyProxy", child, () -> myproxy.stalled() >= 1);
            } else {
                int now = acknowledgedIssues.get();
                await("more load", child, () -> acknowledgedIssues.get() >= now + 2);
            }
            killed.set(true);
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            killed.set(true);
            child.destroyForcibly();
            myproxy.stall(false);
            myproxyProxiesAllowed = true;
            workers.shutdown();
            assertThat(workers.awaitTermination(60, TimeUnit.SECONDS)).as("workers end once the certificate manager is gone").isTrue();
        }
        return gate;
    }

    /** Sends an issuance; false once the child is gone (the request stays in flight). */
    private boolean send(Issue issue, AtomicBoolean killed) {
        try {
            HttpResponse<String> reply = post("/v1/certificates", issue.body);
            if (reply.statusCode() == 200) {
                answered(issue, reply);
                return true;
            }
            if (!killed.get()) {
                unexpected.add(issue.requestId + ": HTTP " + reply.statusCode() + " " + reply.body());
            }
        } catch (IOException e) {
            if (!killed.get()) {
                unexpected.add(issue.requestId + ": " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private void issueOnce(Issue issue) throws Exception {
        issues.put(issue.requestId, issue);
        HttpResponse<String> reply = post("/v1/certificates", issue.body);
        assertThat(reply.statusCode()).as(issue.requestId + ": " + reply.body()).isEqualTo(200);
        answered(issue, reply);
    }

    private void answered(Issue issue, HttpResponse<String> reply) {
        Matcher m = SERIAL.matcher(reply.body());
        assertThat(m.find()).as(reply.body()).isTrue();
        String serial = hex(m.group(1));
        if (issue.serial != null) {
            assertThat(serial).as(issue.requestId + ": a retry answers with the same certificate").isEqualTo(issue.serial);
        }
        issue.serial = serial;
        if (issue.inFlight) {
            issue.inFlight = false;
            acknowledgedIssues.incrementAndGet();
            if (issue.destination.equals("STORE") && !stored.contains(issue.hpciId)) {
                stored.add(issue.hpciId);
            }
        }
    }

    /**
     * After a restart the portal retries every request that got no answer. If the CA was held when the certificate
     * manager died, the first retries come while it is still working on them; their answer may be a refusal, but the
     * next retry, once the CA is done, must get the certificate. Then: every request answered, each with the CA's
     * certificate for its ID, and the CA has issued exactly one certificate per answered request ID.
     */
    private void recover(CountDownLatch caGate) throws Exception {
        if (caGate != null) {
            // New signatures go through; the requests the CA held when the certificate manager died stay held for now.
            peers.beforeCaSigns = () -> { };
            int stillAtTheCa = 0;
            for (Issue issue : inFlight()) {
                HttpResponse<String> early = post("/v1/certificates", issue.body);
                if (early.statusCode() == 200) {
                    answered(issue, early);
                } else {
                    assertThat(early.body()).as("early retry of " + issue.requestId).contains("GA-CM-011").contains("GA-CA-031");
                    stillAtTheCa++;
                }
            }
            assertThat(stillAtTheCa).as("requests the CA still held when retried").isPositive();
            caGate.countDown();
            await("the CA finishes the held requests", null, () -> caCount("PENDING") == 0);
        }
        for (Issue issue : inFlight()) {
            HttpResponse<String> retry = post("/v1/certificates", issue.body);
            assertThat(retry.statusCode()).as("retry of " + issue.requestId + ": " + retry.body()).isEqualTo(200);
            answered(issue, retry);
        }
        int answered = 0;
        for (Issue issue : List.copyOf(issues.values())) {
            if (issue.serial != null && answered++ < 5) {
                HttpResponse<String> again = post("/v1/certificates", issue.body);
                assertThat(again.statusCode()).as("repeat of " + issue.requestId + ": " + again.body()).isEqualTo(200);
                answered(issue, again);
            }
        }
        Map<String, String> ca = caIssued();
        Map<String, String> expected = new HashMap<>();
        issues.values().forEach(i -> expected.put("cm-" + i.requestId, i.serial));
        assertThat(ca).as("the CA issued exactly one certificate per request ID, the one its retries answered with").isEqualTo(expected);
    }

    private List<Issue> inFlight() {
        return issues.values().stream().filter(i -> i.inFlight).toList();
    }

    /**
     * The certificate manager's database as the process left it, opened directly (no repair): every stored key opens
     * with its passphrase and makes a proxy; every CA certificate is in the mapping database or its request is PENDING
     * with the CSR for its key (a retry returns it); every DONE request and every ISSUE audit record names a recorded
     * certificate. {@code settled}: after the retries nothing is pending and every certificate has its ISSUE record.
     */
    private void checkLeftBehind(boolean settled) throws Exception {
        DataSource data = CmDatabase.h2File(dir.resolve("db/cm"));
        new CmDatabase(data);
        KeyVault vault = new KeyVault();
        ProxyMaker proxies = new ProxyMaker(Clock.systemUTC());
        Map<String, String> recorded = new HashMap<>();
        try (Connection c = data.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT serial, hpci_id, certificate_pem, encrypted_key, location, status FROM cm_credential")) {
                while (rs.next()) {
                    String serial = hex(rs.getString(1));
                    X509Certificate certificate = Pem.decode(rs.getString(3).getBytes(StandardCharsets.US_ASCII), "row").certificates().get(0);
                    assertThat(hex(certificate.getSerialNumber().toString(16))).isEqualTo(serial);
                    recorded.put(serial, rs.getString(2));
                    if (rs.getString(4) != null) {
                        PrivateKey key = vault.open(rs.getString(4), passphrase(rs.getString(2)).toCharArray(), certificate, rs.getString(2));
                        assertThat(proxies.create(new Credential(key, List.of(certificate)), ProxyRequest.impersonation(Duration.ofHours(1))).chain())
                                .hasSize(2);
                    } else {
                        assertThat(rs.getString(5)).as("only a credential sent elsewhere has no key").isIn("MYPROXY", "DOWNLOAD");
                    }
                }
            }
            Map<String, String[]> requests = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT request_id, state, serial, csr_pem FROM cm_issue_request")) {
                while (rs.next()) {
                    requests.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
                    if ("DONE".equals(rs.getString(2))) {
                        assertThat(recorded).as("request " + rs.getString(1) + " is DONE").containsKey(hex(rs.getString(3)));
                    }
                }
            }
            for (Map.Entry<String, String> issued : caIssued().entrySet()) {
                String requestId = issued.getKey().substring(3);
                if (recorded.containsKey(issued.getValue())) {
                    continue;
                }
                assertThat(settled).as("CA certificate " + issued.getValue() + " (" + requestId + ") is recorded after the retries").isFalse();
                String[] request = requests.get(requestId);
                assertThat(request).as("CA certificate " + issued.getValue() + " is neither recorded nor its request kept").isNotNull();
                assertThat(request[0]).isEqualTo("PENDING");
                assertThat(request[2]).as("the request keeps the CSR the CA signed, so a retry asks for the same certificate").isNotNull();
            }
            List<String> issueRecords = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT detail FROM cm_audit WHERE action = 'ISSUE' AND outcome = 'OK'")) {
                while (rs.next()) {
                    Matcher m = Pattern.compile("^serial ([0-9a-fA-F]+) ").matcher(rs.getString(1));
                    assertThat(m.find()).as(rs.getString(1)).isTrue();
                    issueRecords.add(hex(m.group(1)));
                }
            }
            assertThat(recorded).as("every ISSUE audit record names a recorded certificate").containsKeys(issueRecords.toArray(new String[0]));
            if (settled) {
                assertThat(issueRecords).as("every recorded certificate has its ISSUE audit record").containsAll(recorded.keySet());
                assertThat(requests.values().stream().filter(r -> !"DONE".equals(r[0])).count()).as("no request left pending").isZero();
            }
        }
    }

    /** What the CA issued for this test's requests: RA request ID to serial. */
    private Map<String, String> caIssued() throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = peers.caData.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ra_request_id, serial FROM ca_certificate WHERE status = 'VALID' AND ra_request_id LIKE 'cm-crash-%'")) {
            while (rs.next()) {
                out.put(rs.getString(1), hex(rs.getString(2)));
            }
        }
        return out;
    }

    private int caCount(String status) {
        try (Connection c = peers.caData.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM ca_certificate WHERE status = '" + status + "'")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return portal.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private Path config(InetAddress host, int port, int myproxyPort) throws Exception {
        TestPki pki = peers.pki;
        CredentialFiles.writeHostCredential(dir.resolve("hostcert.pem"), dir.resolve("hostkey.pem"), pki.host());
        CredentialFiles.writeHostCredential(dir.resolve("racert.pem"), dir.resolve("rakey.pem"), peers.ra);
        Files.writeString(dir.resolve("ca.pem"), Pem.encode(pki.ca().certificate()));
        return Files.writeString(dir.resolve("cert-manager.conf"), String.join("\n",
                "database.url = jdbc:h2:file:" + dir.resolve("db/cm") + ";WRITE_DELAY=0",
                "listen = " + host.getHostAddress() + ":" + port,
                "threads = 8",
                "tls.certificate = hostcert.pem",
                "tls.key = hostkey.pem",
                "trust.dir = " + pki.trustDir(),
                "portal.clients = " + CertManagerFixture.PORTAL_DN,
                "ca.url = https://" + pki.hostName() + ":" + peers.caLink.port(),
                "ca.ra-certificate = racert.pem",
                "ca.ra-key = rakey.pem",
                "ca.certificate = ca.pem",
                "subject.base = " + TestPki.ORGANISATION + "/OU=Users",
                "myproxy.host = " + pki.hostName(),
                "myproxy.port = " + myproxyPort,
                "mail.host = 127.0.0.1",
                "mail.port = " + peers.mail.getSmtp().getPort(),
                "mail.from = ca@example.org",
                "mail.recipients.* = ops@example.org",
                ""));
    }

    private Process start(Path conf, int round) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-cp", System.getProperty("java.class.path"), CertManagerDaemon.class.getName(), conf.toString())
                .redirectOutput(dir.resolve("cert-manager-" + round + ".out").toFile())
                .redirectError(dir.resolve("cert-manager-" + round + ".err").toFile())
                .start();
    }

    /** Ready when the service answers over HTTPS (a proxy for an unknown researcher is refused by the service, not the network). */
    private void awaitReady(Process child, int round) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                HttpResponse<String> reply = post("/v1/proxies", "{\"hpciId\":\"NOBODY\",\"eppn\":\"nobody@example.ac.jp\",\"keyPassphrase\":\"x\","
                        + "\"destination\":\"DOWNLOAD\"}");
                assertThat(reply.statusCode()).as(reply.body()).isBetween(400, 499);
                return;
            } catch (IOException e) {
                if (!child.isAlive()) {
                    fail("the certificate manager ended at start-up: " + Files.readString(dir.resolve("cert-manager-" + round + ".err")));
                }
                if (System.nanoTime() > deadline) {
                    fail("the certificate manager did not answer within 60 s: " + e);
                }
                Thread.sleep(100);
            }
        }
    }

    private void await(String what, Process child, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (!condition.getAsBoolean()) {
            if (!unexpected.isEmpty()) {
                fail(what + ": " + unexpected);
            }
            if (child != null && !child.isAlive()) {
                fail(what + ": the certificate manager died on its own");
            }
            if (System.nanoTime() > deadline) {
                fail(what + ": not within 45 s (" + acknowledgedIssues.get() + " issuances, " + acknowledgedProxies.get() + " proxies)");
            }
            Thread.sleep(20);
        }
    }

    /** Serials compared as numbers: the hex text of each side may differ in leading zeros or case. */
    private static String hex(String serial) {
        return new java.math.BigInteger(serial, 16).toString(16);
    }

    private static int freePort(InetAddress host) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, host)) {
            return socket.getLocalPort();
        }
    }

    /** A TCP forwarder to MyProxy whose new connections can be made to hang (accepted, never answered). */
    private static final class Forwarder implements AutoCloseable {
        private final ServerSocket listener;
        private final int target;
        private final AtomicBoolean stall = new AtomicBoolean();
        private final AtomicInteger stalled = new AtomicInteger();
        private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
        private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "myproxy-forwarder");
            t.setDaemon(true);
            return t;
        });

        Forwarder(InetAddress host, int target) throws IOException {
            this.listener = new ServerSocket(0, 50, host);
            this.target = target;
            threads.submit(this::accept);
        }

        int port() {
            return listener.getLocalPort();
        }

        void stall(boolean on) {
            stall.set(on);
            if (!on) {
                stalled.set(0);
            }
        }

        int stalled() {
            return stalled.get();
        }

        private Void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    open.add(client);
                    if (stall.get()) {
                        stalled.incrementAndGet();
                        threads.submit(() -> drain(client));
                        continue;
                    }
                    Socket server = new Socket();
                    server.connect(new InetSocketAddress(listener.getInetAddress(), target), 10_000);
                    open.add(server);
                    threads.submit(() -> pipe(client, server));
                    threads.submit(() -> pipe(server, client));
                } catch (IOException e) {
                    // closed, or one connection failed: go on accepting until closed
                }
            }
            return null;
        }

        private Void drain(Socket client) {
            try (client; InputStream in = client.getInputStream()) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the peer is gone
            }
            return null;
        }

        private static Void pipe(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException e) {
                    // already closed
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            listener.close();
            synchronized (open) {
                for (Socket s : open) {
                    s.close();
                }
            }
            threads.shutdownNow();
        }
    }
}
