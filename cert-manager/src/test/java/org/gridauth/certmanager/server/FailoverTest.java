package org.gridauth.certmanager.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.sql.DataSource;

import org.gridauth.certmanager.CertManagerFixture;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.proxy.ProxyInfo;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.testing.TcpBalancer;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.myproxy.client.MyProxyClient;
import org.gridauth.myproxy.server.MyProxyDaemon;
import org.gridauth.myproxy.store.SealingKey;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Failover (issue #11 item 3), as the architecture's scale-out prescribes: two certificate managers on one PostgreSQL
 * database and two MyProxy servers on another, each pair behind a TCP balancer ({@link TcpBalancer}, HAProxy's
 * {@code mode tcp} with redispatch); every instance a JVM of its own, started from its daemon's main class and
 * configuration file as an operator runs it, the MyProxy pair sharing one sealing key file. The certificate managers
 * hand MYPROXY issuances to MyProxy through its balancer; the CA is the single signer the architecture keeps.
 *
 * <p>Under load (issuances to the store and to MyProxy through the certificate managers' balancer, PUT and STORE
 * straight to MyProxy's), one certificate manager and then one MyProxy server are killed with SIGKILL while each has
 * requests in flight. Then: every request that failed was in flight at a kill; the portal's retries of the failed
 * issuances (same request ID) succeed on the survivor; every issued certificate is in the CA and in the certificate
 * managers' database exactly once, under its request ID; every acknowledged PUT or STORE is served by the survivor.
 */
class FailoverTest {

    private static final int ISSUERS = 3;
    private static final int WRITERS = 2;
    private static final int NAMES_PER_WRITER = 3;
    private static final Pattern SERIAL = Pattern.compile("\"serial\"\\s*:\\s*\"([0-9a-fA-F]+)\"");

    @TempDir
    Path dir;

    /** An issuance as the portal sends it; {@code serial} once a reply said 200. */
    private static final class Issue {
        final String requestId;
        final String hpciId;
        final boolean toMyProxy;
        final String body;
        volatile String serial;
        volatile String warning;

        Issue(String requestId, String hpciId, boolean toMyProxy) {
            this.requestId = requestId;
            this.hpciId = hpciId;
            this.toMyProxy = toMyProxy;
            this.body = "{\"requestId\":\"" + requestId + "\",\"hpciId\":\"" + hpciId + "\",\"eppn\":\"" + hpciId + "@example.ac.jp\","
                    + "\"commonName\":\"Failover Tester " + hpciId + "\",\"keyPassphrase\":\"" + passphrase(hpciId) + "\",\"keyPassphraseConfirm\":\""
                    + passphrase(hpciId) + "\",\"destination\":\"" + (toMyProxy ? "MYPROXY" : "STORE") + "\",\"myproxyUsername\":\""
                    + username(hpciId) + "\"}";
        }
    }

    /** One MyProxy user name a writer keeps replacing. */
    private static final class Slot {
        final String username;
        final boolean put;
        volatile String acknowledged;
        /** Passphrases of writes that failed after the last acknowledged one: each may or may not have landed. */
        final List<String> unsure = Collections.synchronizedList(new ArrayList<>());
        int writes;

        Slot(String username, boolean put) {
            this.username = username;
            this.put = put;
        }
    }

    /** A request that failed: what, when it started and ended (System.nanoTime), and how. */
    private record Failure(String what, long start, long end, String error) {
    }

    /** A kill: the service, the moments just before SIGKILL and after the process was gone, and the connections the balancer had open to it. */
    private record Kill(String service, long before, long after, int openConnections) {
        boolean inFlight(Failure f) {
            return f.start() <= after && f.end() >= before;
        }
    }

    private final TestPki pki = TestPki.shared();
    private final ProxyMaker proxies = new ProxyMaker(Clock.systemUTC());
    private final Map<String, Issue> issues = new ConcurrentHashMap<>();
    private final List<Failure> issueFailures = Collections.synchronizedList(new ArrayList<>());
    private final List<Failure> myproxyFailures = Collections.synchronizedList(new ArrayList<>());
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger acknowledgedIssues = new AtomicInteger();
    private final AtomicInteger acknowledgedWrites = new AtomicInteger();
    private final List<Process> children = Collections.synchronizedList(new ArrayList<>());
    private CertManagerFixture peers;
    private SSLContext portalTls;
    private String host;

    @Test
    @DisplayName("R-CM-1, R-CM-3, R-MP-1, R-MP-2: with two certificate managers and two MyProxy servers on shared PostgreSQL behind balancers, "
            + "killing one of each with SIGKILL under load fails only the requests in flight on it; retries succeed on the survivor, no "
            + "certificate is lost or issued twice, and every acknowledged PUT and STORE is served by the survivor")
    void oneInstanceOfEachKilledUnderLoad() throws Exception {
        peers = new CertManagerFixture(dir.resolve("peers"), TestDatabases.h2());
        portalTls = peers.client(peers.portal).sslContext();
        host = pki.hostName();
        InetAddress address = InetAddress.getByName(host);
        DataSource cmData = TestDatabases.postgres();
        DataSource myproxyData = TestDatabases.postgres();
        // One sealing key file for both MyProxy servers: a key one seals, the other opens.
        SealingKey.loadOrCreate(dir.resolve("myproxy/sealing.key"), new SecureRandom());
        int[] myproxyPorts = {freePort(address), freePort(address)};
        int[] cmPorts = {freePort(address), freePort(address)};
        Map<String, Slot> slots = new HashMap<>();
        try (ChainValidator validator = ChainValidator.strict(pki.trustDir())) {
            MyProxyClient myproxyClient = new MyProxyClient(validator, Duration.ofSeconds(20));
            List<Process> myproxy = new ArrayList<>();
            List<Process> cm = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                myproxy.add(start(MyProxyDaemon.class, myproxyConfig(i, myproxyPorts[i], myproxyData), "myproxy-" + i));
            }
            try (TcpBalancer myproxyBalancer = new TcpBalancer(address, List.of(myproxyPorts[0], myproxyPorts[1]))) {
                for (int i = 0; i < 2; i++) {
                    cm.add(start(CertManagerDaemon.class, cmConfig(i, address, cmPorts[i], cmData, myproxyBalancer.port()), "cert-manager-" + i));
                }
                try (TcpBalancer cmBalancer = new TcpBalancer(address, List.of(cmPorts[0], cmPorts[1]))) {
                    for (int i = 0; i < 2; i++) {
                        awaitMyProxy(myproxyClient, myproxy.get(i), myproxyPorts[i], "myproxy-" + i);
                        awaitCertManager(cm.get(i), cmPorts[i], "cert-manager-" + i);
                    }
                    for (int w = 0; w < WRITERS; w++) {
                        for (int n = 0; n < NAMES_PER_WRITER; n++) {
                            String name = (n % 2 == 0 ? "put" : "store") + "-w" + w + "-" + n;
                            slots.put(name, new Slot(name, n % 2 == 0));
                        }
                    }
                    List<Kill> kills = loadAndKill(cm.get(0), myproxy.get(0), cmBalancer, myproxyBalancer, myproxyClient,
                            List.copyOf(slots.values()));
                    assertThat(unexpected).as("failures no kill explains").isEmpty();
                    checkFailures(kills);
                    retryFailedIssuances(cmBalancer.port());
                    checkIssued(cmData, cmBalancer.port(), myproxyClient, myproxyBalancer.port());
                    checkMyProxy(myproxyClient, myproxyBalancer.port(), slots.values());
                    assertThat(cm.get(1).isAlive()).as("the surviving certificate manager").isTrue();
                    assertThat(myproxy.get(1).isAlive()).as("the surviving MyProxy server").isTrue();
                    System.out.printf("failover test: %d issuances (%d failed at the kill, %d with a MyProxy warning), %d MyProxy writes "
                                    + "acknowledged (%d failed at the kill); certificate managers served %d/%d connections, MyProxy servers %d/%d; %s%n",
                            issues.size(), issueFailures.size(), issues.values().stream().filter(i -> i.warning != null).count(),
                            acknowledgedWrites.get(), myproxyFailures.size(), cmBalancer.opened(0), cmBalancer.opened(1),
                            myproxyBalancer.opened(0), myproxyBalancer.opened(1), kills);
                }
            }
        } finally {
            for (Process child : children) {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            peers.close();
        }
    }

    /**
     * Issuers and MyProxy writers run; once both instances of each service have served requests, certificate manager 0
     * is killed while the balancer has connections open to it, the load goes on, then MyProxy server 0 is killed the
     * same way, and the load goes on until the survivors have acknowledged more.
     */
    private List<Kill> loadAndKill(Process cm0, Process myproxy0, TcpBalancer cmBalancer, TcpBalancer myproxyBalancer,
                                   MyProxyClient myproxyClient, List<Slot> slots) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService workers = Executors.newFixedThreadPool(ISSUERS + WRITERS);
        List<Kill> kills = new ArrayList<>();
        try {
            for (int t = 0; t < ISSUERS; t++) {
                int thread = t;
                workers.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String hpciId = "FOT" + thread + "N" + i;
                        Issue issue = new Issue("failover-t" + thread + "-" + i, hpciId, i % 3 == 2);
                        issues.put(issue.requestId, issue);
                        long start = System.nanoTime();
                        try {
                            HttpResponse<String> reply = post(cmBalancer.port(), "/v1/certificates", issue.body);
                            if (reply.statusCode() == 200) {
                                answered(issue, reply.body());
                                acknowledgedIssues.incrementAndGet();
                            } else {
                                issueFailures.add(new Failure(issue.requestId, start, System.nanoTime(), "HTTP " + reply.statusCode() + " " + reply.body()));
                            }
                        } catch (IOException e) {
                            issueFailures.add(new Failure(issue.requestId, start, System.nanoTime(), e.toString()));
                        }
                    }
                    return null;
                });
            }
            for (int w = 0; w < WRITERS; w++) {
                List<Slot> mine = slots.subList(w * NAMES_PER_WRITER, (w + 1) * NAMES_PER_WRITER);
                workers.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        Slot slot = mine.get(i % mine.size());
                        String passphrase = "failover passphrase " + slot.username + " #" + (++slot.writes);
                        long start = System.nanoTime();
                        try {
                            write(myproxyClient, myproxyBalancer.port(), slot, passphrase);
                            slot.acknowledged = passphrase;
                            slot.unsure.clear();
                            acknowledgedWrites.incrementAndGet();
                        } catch (IOException | MyProxyClient.Refused e) {
                            slot.unsure.add(passphrase);
                            myproxyFailures.add(new Failure(slot.username, start, System.nanoTime(), e.toString()));
                        }
                    }
                    return null;
                });
            }
            await("both certificate managers and both MyProxy servers serve", () -> cmBalancer.opened(0) >= 3 && cmBalancer.opened(1) >= 3
                    && myproxyBalancer.opened(0) >= 3 && myproxyBalancer.opened(1) >= 3 && acknowledgedIssues.get() >= ISSUERS + 2
                    && acknowledgedWrites.get() >= 2 * WRITERS);
            kills.add(killWhileBusy("cert-manager-0", cm0, cmBalancer));
            int issuedAtKill = acknowledgedIssues.get();
            await("the surviving certificate manager takes the load", () -> acknowledgedIssues.get() >= issuedAtKill + ISSUERS + 1);
            kills.add(killWhileBusy("myproxy-0", myproxy0, myproxyBalancer));
            int issuedAtSecondKill = acknowledgedIssues.get();
            int writtenAtKill = acknowledgedWrites.get();
            await("the surviving MyProxy server takes the load", () -> acknowledgedWrites.get() >= writtenAtKill + 2 * WRITERS
                    && acknowledgedIssues.get() >= issuedAtSecondKill + ISSUERS);
        } finally {
            stop.set(true);
            workers.shutdown();
            assertThat(workers.awaitTermination(90, TimeUnit.SECONDS)).as("the load ends").isTrue();
        }
        return kills;
    }

    /** SIGKILL once the balancer has a connection open to the instance, i.e. a request in flight on it. */
    private Kill killWhileBusy(String service, Process child, TcpBalancer balancer) throws Exception {
        await(service + " has a request in flight", () -> balancer.awaitingAnswer(0) >= 1);
        int openedBefore = balancer.opened(0);
        int open = balancer.openNow(0);
        long before = System.nanoTime();
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as(service + " is gone").isTrue();
        // The kernel closes the killed process's sockets; the balancer passes that on to the clients.
        long after = System.nanoTime();
        // Connections open to it at the kill: those open just before, and those the balancer opened to it until it was gone.
        return new Kill(service, before, after, open + balancer.opened(0) - openedBefore);
    }

    /**
     * Every failed request was in flight at a kill: a certificate request at the certificate manager's kill, a PUT or
     * STORE at MyProxy's (or, for a PUT or STORE, at the certificate manager's never). No failure is an answer of a
     * surviving instance: each is a connection closed without an answer (what the balancer passes on from the killed
     * process), and there are no more than the connections the balancer had open to the killed instance.
     */
    private void checkFailures(List<Kill> kills) {
        Kill cm = kills.get(0);
        Kill myproxy = kills.get(1);
        for (Failure f : List.copyOf(issueFailures)) {
            assertThat(cm.inFlight(f)).as("issuance " + f + " failed but was not in flight when " + cm.service() + " was killed").isTrue();
            assertThat(f.error()).as(f.what() + ": a connection closed without an answer, not an error of the surviving instance")
                    .doesNotStartWith("HTTP ");
        }
        assertThat(issueFailures.size()).as("failed issuances at most the connections open to the killed instance")
                .isLessThanOrEqualTo(cm.openConnections());
        for (Failure f : List.copyOf(myproxyFailures)) {
            assertThat(myproxy.inFlight(f)).as("MyProxy write " + f + " failed but was not in flight when " + myproxy.service() + " was killed")
                    .isTrue();
            assertThat(f.error()).as(f.what() + ": a connection closed without an answer, not a refusal").doesNotContain("Refused");
        }
        assertThat(myproxyFailures.size()).as("failed writes at most the connections open to the killed instance")
                .isLessThanOrEqualTo(myproxy.openConnections());
        for (Issue issue : issues.values()) {
            if (issue.warning != null) {
                // A MYPROXY issuance whose hand-over was cut by the MyProxy kill: issued, kept in the certificate manager, and said so.
                assertThat(issue.warning).as(issue.requestId).contains("GA-CM-").contains("kept in the certificate manager");
            }
        }
    }

    /**
     * The portal retries a failed issuance with the same request ID: the balancer sends it to the survivor, which answers
     * with the certificate the CA issued for that ID (if the killed instance got that far) or has it issued now. While
     * the CA still works on the killed instance's request, the survivor says so (GA-CA-031) and a later retry succeeds.
     */
    private void retryFailedIssuances(int cmPort) throws Exception {
        for (Failure f : List.copyOf(issueFailures)) {
            Issue issue = issues.get(f.what());
            HttpResponse<String> reply = null;
            for (int attempt = 0; attempt < 20; attempt++) {
                reply = post(cmPort, "/v1/certificates", issue.body);
                if (reply.statusCode() == 200 || !reply.body().contains("GA-CA-031")) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(reply.statusCode()).as("retry of " + issue.requestId + " on the survivor: " + reply.body()).isEqualTo(200);
            answered(issue, reply.body());
        }
        // Repeats of answered requests, now all on the survivor, answer with the same certificate (one from each issuer thread).
        int repeated = 0;
        for (Issue issue : List.copyOf(issues.values())) {
            if (issue.serial != null && issue.requestId.endsWith("-1") && repeated++ < ISSUERS) {
                String serial = issue.serial;
                answered(issue, post(cmPort, "/v1/certificates", issue.body).body());
                assertThat(issue.serial).as("repeat of " + issue.requestId).isEqualTo(serial);
            }
        }
    }

    /**
     * Nothing lost, nothing twice: the CA issued exactly one certificate per request ID, the one its replies named; the
     * certificate managers' shared database holds each of them exactly once, with every request DONE; a MYPROXY issuance
     * is in MyProxy under the researcher's key passphrase, or (its hand-over cut by the kill) still in the store.
     */
    private void checkIssued(DataSource cmData, int cmPort, MyProxyClient myproxyClient, int myproxyPort) throws Exception {
        Map<String, String> expected = new HashMap<>();
        for (Issue issue : issues.values()) {
            assertThat(issue.serial).as(issue.requestId + " answered (directly or on retry)").isNotNull();
            expected.put("cm-" + issue.requestId, issue.serial);
        }
        Map<String, String> ca = new HashMap<>();
        try (Connection c = peers.caData.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ra_request_id, serial FROM ca_certificate WHERE ra_request_id LIKE 'cm-failover-%'")) {
            while (rs.next()) {
                assertThat(ca.put(rs.getString(1), hex(rs.getString(2)))).as("the CA issued twice for " + rs.getString(1)).isNull();
            }
        }
        assertThat(ca).as("the CA issued one certificate per request ID, the one the replies named").isEqualTo(expected);
        Map<String, Integer> recorded = new HashMap<>();
        Map<String, String> locations = new HashMap<>();
        try (Connection c = cmData.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT serial, location FROM cm_credential")) {
                while (rs.next()) {
                    recorded.merge(hex(rs.getString(1)), 1, Integer::sum);
                    locations.put(hex(rs.getString(1)), rs.getString(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT request_id, state FROM cm_issue_request")) {
                while (rs.next()) {
                    assertThat(rs.getString(2)).as("request " + rs.getString(1)).isEqualTo("DONE");
                }
            }
        }
        assertThat(recorded.keySet()).as("the shared database holds every certificate the CA issued").containsExactlyInAnyOrderElementsOf(ca.values());
        assertThat(recorded.values()).as("each certificate recorded once").allMatch(n -> n == 1);
        for (Issue issue : issues.values()) {
            if (!issue.toMyProxy) {
                assertThat(locations.get(issue.serial)).as(issue.requestId).isEqualTo("STORE");
            } else if (issue.warning != null) {
                assertThat(locations.get(issue.serial)).as(issue.requestId + ": hand-over cut, kept in the certificate manager").isEqualTo("STORE");
            } else {
                assertThat(locations.get(issue.serial)).as(issue.requestId).isEqualTo("MYPROXY");
                Credential proxy = myproxyClient.get(host, myproxyPort, username(issue.hpciId), passphrase(issue.hpciId).toCharArray(),
                        Duration.ofHours(1));
                assertThat(proxy.identity().toOpenSsl()).as(issue.requestId).contains(issue.hpciId);
            }
        }
    }

    /**
     * Every name with an acknowledged write is served by the survivor with the last acknowledged passphrase, or with one
     * of a later write cut by the kill if that one landed.
     */
    private void checkMyProxy(MyProxyClient client, int port, Iterable<Slot> slots) throws Exception {
        for (Slot slot : slots) {
            List<String> candidates = new ArrayList<>(slot.unsure);
            if (slot.acknowledged != null) {
                candidates.add(slot.acknowledged);
            }
            String working = null;
            for (String candidate : candidates) {
                try {
                    Credential proxy = client.get(host, port, slot.username, candidate.toCharArray(), Duration.ofHours(1));
                    assertThat(proxy.identity()).isEqualTo(pki.user().subject());
                    assertThat(ProxyInfo.of(proxy.chain()).proxy()).isTrue();
                    working = candidate;
                    break;
                } catch (MyProxyClient.Refused e) {
                    assertThat(e.getMessage()).as(slot.username + ": refused only as a wrong passphrase").contains("GA-MP-00");
                }
            }
            if (slot.acknowledged != null) {
                assertThat(working).as(slot.username + ": acknowledged, so served by the survivor").isNotNull();
            }
        }
    }

    private void answered(Issue issue, String body) {
        Matcher m = SERIAL.matcher(body);
        if (!m.find()) {
            unexpected.add(issue.requestId + ": 200 without a serial: " + body);
            return;
        }
        String serial = hex(m.group(1));
        if (issue.serial != null && !issue.serial.equals(serial)) {
            unexpected.add(issue.requestId + ": answered with " + issue.serial + " and later with " + serial);
        }
        issue.serial = serial;
        Matcher w = Pattern.compile("\"warning\"\\s*:\\s*\"([^\"]*)\"").matcher(body);
        if (w.find()) {
            issue.warning = w.group(1);
        }
    }

    private void write(MyProxyClient client, int port, Slot slot, String passphrase) throws IOException, MyProxyClient.Refused {
        Credential user = pki.user();
        MyProxyClient.StoreOptions options = MyProxyClient.StoreOptions.of(slot.username, Duration.ofHours(12));
        if (slot.put) {
            client.put(host, port, user, options, passphrase.toCharArray(),
                    csr -> proxies.sign(user, csr, ProxyRequest.impersonation(Duration.ofHours(12)), 2048));
        } else {
            client.store(host, port, user, options, CredentialFiles.encryptedKeyPem(user.privateKey(), passphrase.toCharArray()));
        }
    }

    /** One connection per request, as separate portal requests would open: a kept-alive connection would pin a client to one instance. */
    private HttpResponse<String> post(int port, String path, String json) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(portalTls).connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://" + host + ":" + port + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private Path myproxyConfig(int instance, int port, DataSource database) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("myproxy-" + instance));
        CredentialFiles.writeHostCredential(conf.resolve("hostcert.pem"), conf.resolve("hostkey.pem"), pki.host());
        return Files.writeString(conf.resolve("myproxy-server.config"), String.join("\n",
                "port " + port,
                "host_cert " + conf.resolve("hostcert.pem"),
                "host_key " + conf.resolve("hostkey.pem"),
                "cert_dir " + pki.trustDir(),
                "database_url " + jdbcUrl(database),
                "sealing_key " + dir.resolve("myproxy/sealing.key"),
                "kdf_iterations 10000",
                "threads 16",
                "accepted_credentials \"*\"",
                "authorized_retrievers \"*\"",
                "default_retrievers \"*\"",
                "lockout_threshold 1000000",
                ""));
    }

    private Path cmConfig(int instance, InetAddress address, int port, DataSource database, int myproxyPort) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("cert-manager-" + instance));
        CredentialFiles.writeHostCredential(conf.resolve("hostcert.pem"), conf.resolve("hostkey.pem"), pki.host());
        CredentialFiles.writeHostCredential(conf.resolve("racert.pem"), conf.resolve("rakey.pem"), peers.ra);
        Files.writeString(conf.resolve("ca.pem"), Pem.encode(pki.ca().certificate()));
        return Files.writeString(conf.resolve("cert-manager.conf"), String.join("\n",
                "database.url = " + jdbcUrl(database),
                "database.user = postgres",
                "listen = " + address.getHostAddress() + ":" + port,
                "threads = 8",
                "tls.certificate = " + conf.resolve("hostcert.pem"),
                "tls.key = " + conf.resolve("hostkey.pem"),
                "trust.dir = " + pki.trustDir(),
                "portal.clients = " + CertManagerFixture.PORTAL_DN,
                "ca.url = https://" + host + ":" + peers.caLink.port(),
                "ca.ra-certificate = " + conf.resolve("racert.pem"),
                "ca.ra-key = " + conf.resolve("rakey.pem"),
                "ca.certificate = " + conf.resolve("ca.pem"),
                "subject.base = " + TestPki.ORGANISATION + "/OU=Users",
                "myproxy.host = " + host,
                "myproxy.port = " + myproxyPort,
                // Two JVMs making keys ahead of time would take the CPU the load needs on a two-core runner.
                "key.pool = 0",
                ""));
    }

    private static String jdbcUrl(DataSource database) {
        return "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=" + ((PGSimpleDataSource) database).getCurrentSchema();
    }

    private Process start(Class<?> main, Path config, String name) throws IOException {
        // Full JIT: RSA key generation and MyProxy's key derivation under load need C2's BigInteger intrinsics.
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), main.getName(), config.toString())
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
        children.add(child);
        return child;
    }

    /** Ready when the server answers a request itself: a GET for a name that holds nothing is refused by the server. */
    private void awaitMyProxy(MyProxyClient client, Process child, int port, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                client.get(host, port, "readiness-probe", "no such passphrase".toCharArray(), Duration.ofHours(1));
                fail("a name never stored returned a credential");
            } catch (MyProxyClient.Refused e) {
                return;
            } catch (IOException e) {
                awaitingStart(child, name, deadline, e);
            }
        }
    }

    /** Ready when the service answers over HTTPS (a proxy for an unknown researcher is refused by the service, not the network). */
    private void awaitCertManager(Process child, int port, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                HttpResponse<String> reply = post(port, "/v1/proxies", "{\"hpciId\":\"NOBODY\",\"eppn\":\"nobody@example.ac.jp\","
                        + "\"keyPassphrase\":\"x\",\"destination\":\"DOWNLOAD\"}");
                assertThat(reply.statusCode()).as(reply.body()).isBetween(400, 499);
                return;
            } catch (IOException e) {
                awaitingStart(child, name, deadline, e);
            }
        }
    }

    private void awaitingStart(Process child, String name, long deadline, IOException e) throws Exception {
        if (!child.isAlive()) {
            fail(name + " ended at start-up: " + Files.readString(dir.resolve(name + ".err")));
        }
        if (System.nanoTime() > deadline) {
            fail(name + " did not answer within 60 s: " + e);
        }
        Thread.sleep(100);
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (!unexpected.isEmpty()) {
                fail(what + ": " + unexpected);
            }
            if (System.nanoTime() > deadline) {
                fail(what + ": not within 60 s (" + acknowledgedIssues.get() + " issuances, " + acknowledgedWrites.get() + " MyProxy writes; "
                        + "failures " + issueFailures + " " + myproxyFailures + ")");
            }
            Thread.sleep(10);
        }
    }

    private static String passphrase(String hpciId) {
        return "failover key passphrase " + hpciId;
    }

    private static String username(String hpciId) {
        return hpciId.toLowerCase() + "-cert";
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
}
