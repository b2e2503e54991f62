package org.gridauth.ra.failover;

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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.sql.DataSource;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.credential.TlsKeys;
import org.gridauth.gsi.testing.TcpBalancer;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.certmanager.server.CertManagerDaemon;
import org.gridauth.myproxy.client.MyProxyClient;
import org.gridauth.myproxy.server.MyProxyDaemon;
import org.gridauth.myproxy.store.SealingKey;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.idp.IdpApplication;
import org.gridauth.ra.RaPortalApplication;
import org.gridauth.ra.policy.LicenseIds;
import org.gridauth.ra.security.SpCredential;
import org.gridauth.ra.security.SpMetadata;
import org.gridauth.ra.testing.PeerServices;
import org.gridauth.ra.testing.WebClient;
import org.gridauth.ra.testing.WebClient.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Failover of the whole issuing path (issue #11 item 3): two RA portals, two certificate managers and two MyProxy
 * servers, each a JVM of its own started from its main class and configuration as an operator runs it, each pair on
 * one PostgreSQL database (the portals with their sessions in it, {@code gridauth.ra.sessions = database}, and one SP
 * entity ID and signing key; the MyProxy servers with one sealing key file) behind a TCP balancer
 * ({@link TcpBalancer}: HAProxy's {@code mode tcp} with redispatch, TLS passing through). The portals talk to the
 * certificate managers' balancer, the certificate managers hand MYPROXY issuances to MyProxy's; the IdP bridge and
 * the CA (the single signer) run as their modules run them.
 *
 * <p>Researchers go the whole way in their browsers (sign-on through the discovery service and the IdP, license ID,
 * CN confirmation, issuance into the certificate manager or MyProxy, home page), and a MyProxy client keeps storing
 * credentials, while one portal, then one certificate manager, then one MyProxy server is killed with SIGKILL, each
 * with a request in flight on it. A researcher whose request broke or was refused does what the page or the browser
 * suggests: sends it again. Then: only browser requests in flight at the portal's kill broke; every other failure
 * was a page naming its catalogue code, without a stack trace, after a kill; sessions opened on the killed portal go
 * on on the survivor without signing on again; every license ID shown is in the database once; every certificate
 * shown is recorded once in the portal, the certificate managers and the CA, which issued nothing else; MYPROXY
 * certificates and every acknowledged store are served by the surviving MyProxy server.
 */
class PortalFailoverTest {

    private static final int USERS = 10;
    private static final int CLIENTS = 4;
    private static final String PASSWORD = "Failover-Pass1";
    private static final String ENTITY_ID = "https://portal.failover.test/sp";
    /** Short, so that a license claimed by the killed instance is free again soon (three timeouts: CertificateIssuance). */
    private static final Duration CERT_MANAGER_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** A request that failed: which user and step, when it started and ended (System.nanoTime), and how. */
    private record Failure(String what, long start, long end, String error, boolean answered) {
    }

    /** What one researcher got: the license IDs and the certificate serial the pages showed. */
    private static final class Outcome {
        final List<String> licenseIds = Collections.synchronizedList(new ArrayList<>());
        volatile String serial;
        volatile boolean signedOnBeforeKill;
        volatile WebClient browser;
    }

    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, Outcome> outcomes = new ConcurrentHashMap<>();
    private final List<Process> children = Collections.synchronizedList(new ArrayList<>());
    private volatile long killBefore = Long.MAX_VALUE;
    private volatile int portalRequestsCut;
    private volatile long killAfter = Long.MAX_VALUE;
    private final Map<String, String> stored = new ConcurrentHashMap<>();
    private final AtomicInteger storedCount = new AtomicInteger();
    private final List<String> kills = Collections.synchronizedList(new ArrayList<>());
    /** Per killed instance: System.nanoTime just before SIGKILL and once the process was gone. */
    private final Map<String, long[]> killWindows = new ConcurrentHashMap<>();
    private MyProxyClient myproxyClient;
    private PeerServices peers;
    private ConfigurableApplicationContext idp;
    private int idpPort;
    private String portalBase;

    @Test
    @DisplayName("R-RA-2, R-RA-3, R-RA-9, R-CM-1, R-MP-2: with two instances each of the portal, the certificate manager and MyProxy on shared "
            + "PostgreSQL behind balancers, killing one of each with SIGKILL during sign-ons and issuances breaks only requests in flight; "
            + "sessions go on on the survivor, resent requests succeed or are refused with a catalogue code, and no license ID, certificate or "
            + "stored credential is lost or recorded twice")
    void oneInstanceOfEachKilledDuringIssuances() throws Exception {
        peers = new PeerServices(dir, Clock.systemUTC());
        InetAddress address = InetAddress.getByName("127.0.0.1");
        InetAddress peerAddress = InetAddress.getByName(peers.pki.hostName());
        DataSource portalData = TestDatabases.postgres();
        DataSource cmData = TestDatabases.postgres();
        DataSource myproxyData = TestDatabases.postgres();
        SealingKey.loadOrCreate(dir.resolve("myproxy/sealing.key"), new java.security.SecureRandom());
        int[] ports = {freePort(), freePort()};
        int[] cmPorts = {freePort(), freePort()};
        int[] myproxyPorts = {freePort(), freePort()};
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path tls = tls(shared);
        try (ChainValidator validator = ChainValidator.strict(peers.pki.trustDir());
             TcpBalancer myproxyBalancer = new TcpBalancer(peerAddress, List.of(myproxyPorts[0], myproxyPorts[1]));
             TcpBalancer cmBalancer = new TcpBalancer(peerAddress, List.of(cmPorts[0], cmPorts[1]));
             TcpBalancer balancer = new TcpBalancer(address, List.of(ports[0], ports[1]))) {
            myproxyClient = new MyProxyClient(validator, Duration.ofSeconds(20));
            portalBase = "https://localhost:" + balancer.port();
            Credential sp = SpCredential.load(null, null, shared, ENTITY_ID, Clock.systemUTC());
            Files.writeString(dir.resolve("portal-sp.xml"), SpMetadata.xml(ENTITY_ID, portalBase, sp.certificate()));
            List<Process> myproxy = new ArrayList<>();
            List<Process> cm = new ArrayList<>();
            List<Process> portals = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                myproxy.add(start(MyProxyDaemon.class, myproxyConfig(i, myproxyPorts[i], myproxyData), "myproxy-" + i));
                cm.add(start(CertManagerDaemon.class, cmConfig(i, peerAddress, cmPorts[i], cmData, myproxyBalancer.port(), tls), "cert-manager-" + i));
            }
            String cmUrl = "https://" + peers.pki.hostName() + ":" + cmBalancer.port();
            for (int i = 0; i < 2; i++) {
                portals.add(startPortal(i, ports[i], portalData, shared, tls, cmUrl, myproxyBalancer.port()));
            }
            idp = startIdp();
            try {
                for (int i = 0; i < 2; i++) {
                    awaitMyProxy(myproxy.get(i), myproxyPorts[i], "myproxy-" + i);
                    awaitCertManager(cm.get(i), cmPorts[i], "cert-manager-" + i);
                    awaitPortal(portals.get(i), ports[i], "ra-portal-" + i);
                    awaitIdpMetadata(portals.get(i), ports[i], "ra-portal-" + i);
                }
                load(portals.get(0), cm.get(0), myproxy.get(0), balancer, cmBalancer, myproxyBalancer);
                assertThat(unexpected).as("failures no kill explains").isEmpty();
                checkFailures();
                checkSessions();
                myproxyPort = myproxyBalancer.port();
                checkRecords(portalData, cmData);
                checkMyProxy(myproxyPort);
                assertThat(List.of(portals.get(1), cm.get(1), myproxy.get(1))).as("the survivors").allMatch(Process::isAlive);
                System.out.printf("portal failover test: %d researchers, %d certificates, %d MyProxy stores; %d failed requests (%d answered with a "
                                + "catalogue code; %d answers of portal 0 cut); portals served %d/%d connections, certificate managers %d/%d, MyProxy servers %d/%d; kills %s; %s%n",
                        USERS, outcomes.values().stream().filter(o -> o.serial != null).count(), storedCount.get(), failures.size(),
                        failures.stream().filter(Failure::answered).count(), portalRequestsCut, balancer.opened(0), balancer.opened(1), cmBalancer.opened(0),
                        cmBalancer.opened(1), myproxyBalancer.opened(0), myproxyBalancer.opened(1), kills,
                        failures.stream().map(f -> f.what() + ": " + f.error().replaceAll("\\s+", " ")).toList());
            } finally {
                idp.close();
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
     * {@link #CLIENTS} browsers at a time take the researchers through, and a MyProxy client keeps storing credentials;
     * once certificates are issued through both portals, portal 0 is killed with a request in flight on it, then, after
     * more issuances, certificate manager 0, then MyProxy server 0, each with a request in flight on it.
     */
    private void load(Process portal0, Process cm0, Process myproxy0, TcpBalancer balancer, TcpBalancer cmBalancer, TcpBalancer myproxyBalancer)
            throws Exception {
        AtomicInteger next = new AtomicInteger(1);
        AtomicInteger issued = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        ExecutorService browsers = Executors.newFixedThreadPool(CLIENTS + 1);
        List<Future<?>> running = new ArrayList<>();
        Future<?> storer = browsers.submit(() -> store(myproxyBalancer.port(), stop));
        try {
            for (int c = 0; c < CLIENTS; c++) {
                running.add(browsers.submit(() -> {
                    int n;
                    while ((n = next.getAndIncrement()) <= USERS) {
                        try {
                            flow(n, issued);
                        } catch (RuntimeException | AssertionError e) {
                            unexpected.add("researcher " + n + ": " + e);
                        }
                    }
                    return null;
                }));
            }
            await("certificates issued, both instances serving", () -> issued.get() >= 2 && balancer.opened(0) >= 1 && balancer.opened(1) >= 1
                    && cmBalancer.opened(0) >= 1 && cmBalancer.opened(1) >= 1);
            // Portal 0 stops answering first, then dies: a request it would have answered in the instant between a
            // check and the kill is cut all the same, so the kill always has requests in flight.
            long stopped = System.nanoTime();
            balancer.stopAnswers(0);
            await("a request in flight on portal 0", () -> balancer.cutAnswers(0) >= 1 || balancer.awaitingAnswer(0) >= 1);
            kill("ra-portal-0", portal0);
            // Printed, not asserted: the wait above already made sure the kill had requests to cut.
            portalRequestsCut = balancer.cutAnswers(0);
            killWindows.get("ra-portal-0")[0] = stopped;
            killBefore = killWindows.get("ra-portal-0")[0];
            killAfter = killWindows.get("ra-portal-0")[1];
            int atPortalKill = issued.get();
            await("more certificates", () -> issued.get() >= atPortalKill + 1);
            // The surviving portal keeps its connections to the certificate managers alive; if none of them leads to
            // certificate manager 0, it is killed without a request in flight (said in the output).
            boolean busy = within(Duration.ofSeconds(20), () -> cmBalancer.awaitingAnswer(0) >= 1);
            kill("cert-manager-0" + (busy ? "" : " (idle)"), cm0);
            int atCmKill = storedCount.get();
            await("more stores and one in flight on MyProxy server 0", () -> storedCount.get() >= atCmKill + 2 && myproxyBalancer.awaitingAnswer(0) >= 1);
            kill("myproxy-0", myproxy0);
            int atMyProxyKill = storedCount.get();
            for (Future<?> f : running) {
                f.get(150, TimeUnit.SECONDS);
            }
            await("the surviving MyProxy server stores", () -> storedCount.get() >= atMyProxyKill + 2);
            stop.set(true);
            storer.get(60, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            browsers.shutdownNow();
        }
    }

    /** Whether the condition came true within the time. */
    private boolean within(Duration time, BooleanSupplier condition) {
        long deadline = System.nanoTime() + time.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(10);
        }
        return true;
    }

    private void kill(String name, Process process) throws InterruptedException {
        long before = System.nanoTime();
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(name + " is gone").isTrue();
        killWindows.put(name, new long[] {before, System.nanoTime()});
        kills.add(name);
    }

    /**
     * A MyProxy client storing credentials under three names in turn (as myproxy-store does) until stopped; the last
     * acknowledged passphrase of each name is kept. A store broken by the MyProxy kill is sent again.
     */
    private Void store(int port, java.util.concurrent.atomic.AtomicBoolean stop) {
        Credential user = peers.pki.user();
        for (int i = 0; !stop.get(); i++) {
            String name = "failover-store-" + (i % 3);
            String passphrase = "failover store passphrase " + i;
            long start = System.nanoTime();
            try {
                myproxyClient.store(peers.pki.hostName(), port, user, MyProxyClient.StoreOptions.of(name, Duration.ofHours(12)),
                        CredentialFiles.encryptedKeyPem(user.privateKey(), passphrase.toCharArray()));
                stored.put(name, passphrase);
                stored.remove(name + "#unsure");
                storedCount.incrementAndGet();
            } catch (IOException | MyProxyClient.Refused e) {
                // A store whose answer was lost may have landed: the name then holds this passphrase or the acknowledged one.
                failures.add(new Failure("MyProxy store " + name, start, System.nanoTime(), e.toString(), false));
                stored.put(name + "#unsure", passphrase);
            }
        }
        return null;
    }

    /** One researcher the whole way, in a browser of their own. */
    private void flow(int n, AtomicInteger issued) {
        String user = "fo%03d".formatted(n);
        Outcome outcome = new Outcome();
        outcomes.put(n, outcome);
        WebClient browser = new WebClient(portalBase, idpEntityId(), peers.pki.ca().certificate(), "en");
        Page home = step(user + " sign-on", () -> {
            Page login = browser.get("/login");
            Page ds = browser.follow(browser.get(login.href("sign-in")));
            Page back = browser.follow(browser.chooseIdp(ds, idpEntityId()));
            return browser.follow(browser.idpLogin(back, user, PASSWORD));
        }, page -> page.status() == 200 && page.body().contains("id=\"roles\""));
        outcome.signedOnBeforeKill = System.nanoTime() < killBefore;
        Page license = step(user + " license", () -> browser.submit(browser.get("/license"), "/license", Map.of()),
                page -> page.status() == 200 && page.text("license-id") != null);
        outcome.licenseIds.add(license.text("license-id"));
        Page confirm = step(user + " confirm", () -> browser.submit(browser.get("/certificate"), "/certificate/check",
                Map.of("licenseId", license.text("license-id"), "destination", toMyProxy(n) ? "MYPROXY" : "STORE")), page -> page.status() == 200
                && page.body().contains("confirmCn"));
        String passphrase = passphrase(n);
        Page done = step(user + " issue", () -> {
            long start = System.nanoTime();
            Page page = browser.submit(confirm, "/certificate/issue", Map.of("confirmCn", "yes", "passphrase", passphrase, "passphraseConfirm",
                    passphrase));
            String problem = page.text("problem");
            if (problem != null && (problem.startsWith("GA-RA-010") || problem.startsWith("GA-RA-033"))) {
                // A resend after the killed instance issued and recorded the certificate but died before its page arrived: the
                // license ID is used (or the form done), and the home page lists the certificate.
                failures.add(new Failure(user + " issue", start, System.nanoTime(), problem, true));
                checkAnswer(user + " issue", page);
                return browser.get("/");
            }
            return page;
        }, page -> page.status() == 200 && serial(page) != null);
        outcome.serial = serial(done);
        outcome.browser = browser;
        issued.incrementAndGet();
    }

    /** The serial on the issued page, or of the one certificate the home page lists. */
    private static String serial(Page page) {
        if (page.text("serial") != null) {
            return page.text("serial");
        }
        return page.field("serial");
    }

    /**
     * Does one step as a person would: a broken connection or an error page is recorded, then the step is sent again
     * (as reloading or resubmitting the page does) until it gives the page wanted, within the time a license claimed
     * by the killed instance takes to come free.
     */
    private Page step(String what, Supplier<Page> action, java.util.function.Predicate<Page> wanted) {
        long deadline = System.nanoTime() + CERT_MANAGER_TIMEOUT.multipliedBy(3).plusSeconds(40).toNanos();
        while (true) {
            long start = System.nanoTime();
            try {
                Page page = action.get();
                if (wanted.test(page)) {
                    return page;
                }
                failures.add(new Failure(what, start, System.nanoTime(), "HTTP " + page.status() + " " + page.uri().getPath() + ": "
                        + (page.text("problem") != null ? page.text("problem") : page.body()), true));
                checkAnswer(what, page);
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof IOException)) {
                    throw e;
                }
                failures.add(new Failure(what, start, System.nanoTime(), e.getMessage(), false));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": no success after resending for " + CERT_MANAGER_TIMEOUT.multipliedBy(3).plusSeconds(40)
                        + "; last: " + failures.get(failures.size() - 1));
            }
            sleep(1000);
        }
    }

    /** An error page the portal answered: its catalogue code and what to do, no stack trace. */
    private void checkAnswer(String what, Page page) {
        String problem = page.text("problem");
        if (problem == null || !problem.matches("(?s)GA-RA-\\d{3}.*")) {
            unexpected.add(what + ": an answer without a catalogue code: HTTP " + page.status() + " " + page.body());
        }
        if (page.body().contains("Exception") || page.body().contains("\tat ")) {
            unexpected.add(what + ": a stack trace in the answer: " + page.body());
        }
    }

    /**
     * Broken connections only for requests in flight at a kill: a browser's at the portal's (the certificate manager's
     * and MyProxy's are behind the portal, which answers), a MyProxy store's at MyProxy's. Every other failure is a
     * page with a catalogue code, for a request sent after the first kill.
     */
    private void checkFailures() {
        long[] myproxy = killWindows.get("myproxy-0");
        for (Failure f : List.copyOf(failures)) {
            if (f.what().startsWith("MyProxy store")) {
                assertThat(f.start() <= myproxy[1] && f.end() >= myproxy[0]).as(f + ": broken but not in flight at MyProxy's kill").isTrue();
            } else if (!f.answered()) {
                assertThat(f.start() <= killAfter && f.end() >= killBefore).as(f + ": broken but not in flight at the portal's kill").isTrue();
            } else {
                assertThat(f.start()).as(f + ": refused before the kill").isGreaterThanOrEqualTo(killBefore);
                assertThat(f.error()).as(f.what()).contains("GA-RA-");
            }
        }
        // No assertion that browsers saw the portal's kill: a cut GET on a kept-alive connection is resent once by the
        // JDK's HTTP client itself and then succeeds on the survivor. load() waits for a request in flight before the
        // kill and for more certificates after it.
    }

    /**
     * Everyone signed on before the kill is still signed on after it, now on the survivor, without signing on again:
     * the sessions, including those the killed instance opened, are in the shared database.
     */
    private void checkSessions() {
        List<Outcome> before = outcomes.values().stream().filter(o -> o.signedOnBeforeKill).toList();
        assertThat(before).as("researchers signed on before the kill").isNotEmpty();
        for (Outcome o : before) {
            Page home = o.browser.get("/");
            assertThat(home.status()).isEqualTo(200);
            assertThat(home.body()).as("still signed on after the kill").contains("id=\"roles\"");
            assertThat(serial(home)).as("the home page lists the certificate").isEqualTo(o.serial);
        }
    }

    /**
     * Every license ID shown is in the portal's database once, every certificate shown is recorded once in the portal,
     * the certificate managers' database and the CA, and the CA issued nothing else for the portal's requests. A
     * certificate for MyProxy is served by the surviving MyProxy server under the key passphrase, or, its hand-over cut
     * by the kill, kept in the certificate manager.
     */
    private int myproxyPort;

    private void checkRecords(DataSource portalData, DataSource cmData) throws Exception {
        Map<String, String> serials = new HashMap<>();
        try (Connection c = portalData.getConnection()) {
            for (Outcome o : outcomes.values()) {
                assertThat(o.serial).as("every researcher got a certificate in the end").isNotNull();
                for (String id : o.licenseIds) {
                    assertThat(count(c, "select count(*) from ra_license_ids where id_hash = ?", LicenseIds.hash(LicenseIds.normalise(id))))
                            .as("license ID " + id).isEqualTo(1);
                }
                assertThat(count(c, "select count(*) from ra_issuances where serial = ?", o.serial)).as("portal record of " + o.serial).isEqualTo(1);
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select license_id, serial from ra_issuances")) {
                while (rs.next()) {
                    serials.put("cm-ra-" + rs.getString(1), hex(rs.getString(2)));
                }
            }
        }
        assertThat(serials).as("one certificate per researcher in the portal").hasSize(USERS);
        try (Connection c = cmData.getConnection()) {
            for (String serial : serials.values()) {
                assertThat(countHex(c, "select serial from cm_credential", serial)).as("certificate manager record of " + serial).isEqualTo(1);
            }
            for (Map.Entry<Integer, Outcome> e : outcomes.entrySet()) {
                if (!toMyProxy(e.getKey())) {
                    continue;
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select serial, location, myproxy_username from cm_credential")) {
                    while (rs.next()) {
                        if (!hex(rs.getString(1)).equals(hex(e.getValue().serial))) {
                            continue;
                        }
                        if ("MYPROXY".equals(rs.getString(2))) {
                            Credential proxy = myproxyClient.get(peers.pki.hostName(), myproxyPort, rs.getString(3),
                                    passphrase(e.getKey()).toCharArray(), Duration.ofHours(1));
                            assertThat(proxy.identity().toOpenSsl()).as("MyProxy serves " + e.getValue().serial).contains("hpci7");
                        } else {
                            assertThat(rs.getString(2)).as(e.getValue().serial + ": hand-over cut, kept in the certificate manager").isEqualTo("STORE");
                        }
                    }
                }
            }
        }
        Map<String, String> ca = new HashMap<>();
        try (Connection c = peers.caData.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select ra_request_id, serial from ca_certificate where ra_request_id like 'cm-ra-%'")) {
            while (rs.next()) {
                assertThat(ca.put(rs.getString(1), hex(rs.getString(2)))).as("the CA issued twice for " + rs.getString(1)).isNull();
            }
        }
        assertThat(ca).as("the CA issued exactly the certificates the portal recorded").isEqualTo(serials);
    }

    private static int count(Connection c, String sql, String value) throws Exception {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, value);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int countHex(Connection c, String sql, String serial) throws Exception {
        int n = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                if (hex(rs.getString(1)).equals(serial)) {
                    n++;
                }
            }
        }
        return n;
    }

    private Process startPortal(int instance, int port, DataSource database, Path shared, Path tls, String cmUrl, int myproxyBalancerPort)
            throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", port);
        p.put("server.address", "127.0.0.1");
        p.put("server.ssl.certificate", "file:" + tls.resolve("host.pem"));
        p.put("server.ssl.certificate-private-key", "file:" + tls.resolve("host.key"));
        p.put("spring.datasource.url", "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + ((PGSimpleDataSource) database).getCurrentSchema());
        p.put("spring.datasource.username", "postgres");
        p.put("spring.datasource.hikari.maximum-pool-size", 8);
        p.put("gridauth.ra.sessions", "database");
        p.put("gridauth.ra.base-url", portalBase);
        p.put("gridauth.ra.home", Files.createDirectories(dir.resolve("portal-" + instance)).toString());
        p.put("gridauth.ra.sign-on.saml.entity-id", ENTITY_ID);
        p.put("gridauth.ra.sign-on.saml.sp-certificate", shared.resolve("sp-signing.crt").toString());
        p.put("gridauth.ra.sign-on.saml.sp-key", shared.resolve("sp-signing.key").toString());
        p.put("gridauth.ra.sign-on.saml.idp-metadata[0]", "http://127.0.0.1:" + idpPortPlaceholder() + "/idp/shibboleth");
        p.put("gridauth.ra.sign-on.saml.discovery-url", "http://127.0.0.1:" + idpPortPlaceholder() + "/ds");
        p.put("gridauth.ra.cert-manager.url", cmUrl);
        p.put("gridauth.ra.cert-manager.certificate", tls.resolve("portal.pem").toString());
        p.put("gridauth.ra.cert-manager.key", tls.resolve("portal.key").toString());
        p.put("gridauth.ra.cert-manager.trust", tls.resolve("ca.pem").toString());
        p.put("gridauth.ra.cert-manager.timeout", CERT_MANAGER_TIMEOUT.toSeconds() + "s");
        p.put("gridauth.ra.ca.url", peers.caUrl());
        p.put("gridauth.ra.myproxy.host", peers.pki.hostName());
        p.put("gridauth.ra.myproxy.port", myproxyBalancerPort);
        // A license ID whose page a kill cut off is lost to its holder; a second one may be obtained.
        p.put("gridauth.ra.license.max-held", 2);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx320m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), RaPortalApplication.class.getName()));
        p.forEach((k, v) -> command.add("--" + k + "=" + v));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("ra-portal-" + instance + ".log").toFile())
                .start();
        children.add(child);
        return child;
    }

    /** The IdP's port, chosen before the portals start (they fetch its metadata when the first person signs on). */
    private int idpPortPlaceholder() {
        if (idpPort == 0) {
            try {
                idpPort = freePort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return idpPort;
    }

    private String idpEntityId() {
        return "http://127.0.0.1:" + idpPort + "/idp/shibboleth";
    }

    private ConfigurableApplicationContext startIdp() throws IOException {
        StringBuilder ldif = new StringBuilder("""
                dn: dc=hpci,dc=example,dc=jp
                objectClass: top
                objectClass: domain
                dc: hpci

                dn: ou=people,dc=hpci,dc=example,dc=jp
                objectClass: top
                objectClass: organizationalUnit
                ou: people
                """);
        for (int i = 1; i <= USERS; i++) {
            String uid = "fo%03d".formatted(i);
            ldif.append("\ndn: uid=").append(uid).append(",ou=people,dc=hpci,dc=example,dc=jp\nobjectClass: top\nobjectClass: inetOrgPerson\n")
                    .append("objectClass: eduPerson\nobjectClass: hpciPerson\nuid: ").append(uid).append("\ncn: Failover User\nsn: User\n")
                    .append("givenName: Failover\nhpciId: hpci7").append("%05d".formatted(i)).append("\neduPersonPrincipalName: ").append(uid)
                    .append("@hpci.example.jp\neduPersonEntitlement: urn:mace:hpci.example.jp:entitlement:grid-user\nhpciAccountState: active\n")
                    .append("userPassword: ").append(PASSWORD).append("\n");
        }
        Files.writeString(dir.resolve("accounts.ldif"), ldif);
        Files.writeString(dir.resolve("release.yaml"), """
                default: [eduPersonPrincipalName]
                sps:
                  %s: [sn, givenName, hpciId, eduPersonPrincipalName, eduPersonEntitlement, mail]
                """.formatted(ENTITY_ID));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.config.name", "idp-bridge-under-test");
        p.put("spring.autoconfigure.exclude", String.join(",",
                "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration",
                "org.springframework.boot.autoconfigure.security.servlet.SecurityFilterAutoConfiguration",
                "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration",
                "org.springframework.boot.autoconfigure.security.saml2.Saml2RelyingPartyAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.security.servlet.ManagementWebSecurityAutoConfiguration",
                "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
                "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration",
                "org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration",
                "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
                "org.springframework.boot.autoconfigure.session.SessionAutoConfiguration",
                "org.springframework.boot.autoconfigure.thymeleaf.ThymeleafAutoConfiguration"));
        p.put("spring.main.banner-mode", "off");
        p.put("server.port", idpPort);
        p.put("server.address", "127.0.0.1");
        p.put("server.max-http-request-header-size", "80KB");
        p.put("server.servlet.session.cookie.name", "GRIDAUTH_IDP_SESSION");
        p.put("gridauth.idp.base-url", "http://127.0.0.1:" + idpPort);
        p.put("gridauth.idp.home", dir.resolve("idp-home").toString());
        p.put("gridauth.idp.sp-metadata[0]", dir.resolve("portal-sp.xml").toString());
        p.put("gridauth.idp.release-policy", dir.resolve("release.yaml").toString());
        p.put("gridauth.idp.ldap.embedded-ldif", dir.resolve("accounts.ldif").toString());
        p.put("gridauth.idp.discovery.remember-days", 0);
        p.put("gridauth.idp.throttle.max-per-account", 1000);
        p.put("gridauth.idp.throttle.max-per-address", 100000);
        p.put("gridauth.idp.encrypt-assertions", false);
        return new SpringApplicationBuilder(IdpApplication.class).run(p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new));
    }

    private Path tls(Path shared) throws IOException {
        Path tls = Files.createDirectories(shared.resolve("tls"));
        CredentialFiles.writeHostCredential(tls.resolve("host.pem"), tls.resolve("host.key"), peers.pki.host());
        CredentialFiles.writeHostCredential(tls.resolve("portal.pem"), tls.resolve("portal.key"), peers.portal);
        Files.writeString(tls.resolve("ca.pem"), Pem.encode(peers.pki.ca().certificate()));
        return tls;
    }

    /** Ready when the instance serves its SP metadata over HTTPS. */
    private void awaitPortal(Process child, int port, String name) throws Exception {
        SSLContext trust = SSLContext.getInstance("TLS");
        trust.init(null, TlsKeys.trusting(List.of(peers.pki.ca().certificate())), null);
        HttpClient client = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                HttpResponse<Void> reply = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/saml/metadata"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (reply.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!child.isAlive()) {
                fail(name + " ended at start-up: " + Files.readString(dir.resolve(name + ".log")));
            }
            if (System.nanoTime() > deadline) {
                fail(name + " did not answer within 120 s");
            }
            Thread.sleep(250);
        }
    }

    /**
     * Ready to sign people on when the discovery service's return for our IdP redirects to it: the portals started
     * before the IdP, so their first metadata fetch failed and the next is allowed 5 s later (GA-RA-037 until then).
     */
    private void awaitIdpMetadata(Process child, int port, String name) throws Exception {
        SSLContext trust = SSLContext.getInstance("TLS");
        trust.init(null, TlsKeys.trusting(List.of(peers.pki.ca().certificate())), null);
        HttpClient client = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(2)).build();
        URI discoveryReturn = URI.create("https://localhost:" + port + SpMetadata.DS_RETURN_PATH + "?entityID="
                + java.net.URLEncoder.encode(idpEntityId(), java.nio.charset.StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int status = 0;
        while (status != 302) {
            HttpResponse<Void> reply = client.send(HttpRequest.newBuilder(discoveryReturn).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding());
            status = reply.statusCode();
            String location = reply.headers().firstValue("Location").orElse("");
            if (status == 302 ? !location.contains("/saml2/authenticate/") : status != 503) {
                fail(name + " answered the discovery return for " + idpEntityId() + " with HTTP " + status + " " + location);
            }
            if (!child.isAlive() || System.nanoTime() > deadline) {
                fail(name + " did not load the IdP metadata within 60 s: " + Files.readString(dir.resolve(name + ".log")));
            }
            Thread.sleep(250);
        }
    }

    private void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (!unexpected.isEmpty()) {
                fail(what + ": " + unexpected);
            }
            if (System.nanoTime() > deadline) {
                fail(what + ": not within 90 s; failures " + failures);
            }
            sleep(10);
        }
    }

    private static boolean toMyProxy(int researcher) {
        return researcher % 3 == 0;
    }

    private static String passphrase(int researcher) {
        return "failover passphrase " + researcher + " ok";
    }

    /** Every name the MyProxy client stored is served by the survivor with the last acknowledged passphrase (or one cut by the kill that landed). */
    private void checkMyProxy(int port) throws Exception {
        assertThat(stored.keySet().stream().filter(k -> !k.endsWith("#unsure"))).as("names stored").hasSize(3);
        for (String name : List.of("failover-store-0", "failover-store-1", "failover-store-2")) {
            List<String> candidates = new ArrayList<>(List.of(stored.get(name)));
            if (stored.containsKey(name + "#unsure")) {
                candidates.add(0, stored.get(name + "#unsure"));
            }
            boolean served = false;
            for (String candidate : candidates) {
                try {
                    myproxyClient.get(peers.pki.hostName(), port, name, candidate.toCharArray(), Duration.ofHours(1));
                    served = true;
                    break;
                } catch (MyProxyClient.Refused e) {
                    assertThat(e.getMessage()).as(name).contains("GA-MP-00");
                }
            }
            assertThat(served).as(name + ": acknowledged, so served by the surviving MyProxy server").isTrue();
        }
    }

    private Process start(Class<?> main, Path config, String name) throws IOException {
        // Full JIT: the certificate manager's RSA key generation and MyProxy's key derivation need C2's BigInteger intrinsics.
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), main.getName(), config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        children.add(child);
        return child;
    }

    private Path myproxyConfig(int instance, int port, DataSource database) throws IOException {
        Path conf = Files.createDirectories(dir.resolve("myproxy-" + instance));
        CredentialFiles.writeHostCredential(conf.resolve("hostcert.pem"), conf.resolve("hostkey.pem"), peers.pki.host());
        return Files.writeString(conf.resolve("myproxy-server.config"), String.join("\n",
                "port " + port,
                "host_cert " + conf.resolve("hostcert.pem"),
                "host_key " + conf.resolve("hostkey.pem"),
                "cert_dir " + peers.pki.trustDir(),
                "database_url " + jdbcUrl(database),
                "sealing_key " + dir.resolve("myproxy/sealing.key"),
                "kdf_iterations 10000",
                "accepted_credentials \"*\"",
                "authorized_retrievers \"*\"",
                "default_retrievers \"*\"",
                "lockout_threshold 1000000",
                ""));
    }

    private Path cmConfig(int instance, InetAddress address, int port, DataSource database, int myproxyBalancerPort, Path tls) throws IOException {
        Path conf = Files.createDirectories(dir.resolve("cert-manager-" + instance));
        CredentialFiles.writeHostCredential(conf.resolve("racert.pem"), conf.resolve("rakey.pem"), peers.ra);
        return Files.writeString(conf.resolve("cert-manager.conf"), String.join("\n",
                "database.url = " + jdbcUrl(database),
                "database.user = postgres",
                "listen = " + address.getHostAddress() + ":" + port,
                "threads = 8",
                "tls.certificate = " + tls.resolve("host.pem"),
                "tls.key = " + tls.resolve("host.key"),
                "trust.dir = " + peers.pki.trustDir(),
                "portal.clients = " + PeerServices.PORTAL_DN,
                "ca.url = " + peers.caUrl(),
                "ca.ra-certificate = " + conf.resolve("racert.pem"),
                "ca.ra-key = " + conf.resolve("rakey.pem"),
                "ca.certificate = " + tls.resolve("ca.pem"),
                "subject.base = " + TestPki.ORGANISATION + "/OU=Users",
                "myproxy.host = " + peers.pki.hostName(),
                "myproxy.port = " + myproxyBalancerPort,
                "key.pool = 0",
                ""));
    }

    private static String jdbcUrl(DataSource database) {
        return "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=" + ((PGSimpleDataSource) database).getCurrentSchema();
    }

    /** Ready when the certificate manager answers the portal over HTTPS (a proxy for an unknown researcher is refused by the service). */
    private void awaitCertManager(Process child, int port, String name) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(TlsKeys.clientContext(peers.portal, List.of(peers.pki.ca().certificate())))
                .connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                HttpResponse<String> reply = client.send(HttpRequest.newBuilder(URI.create("https://" + peers.pki.hostName() + ":" + port + "/v1/proxies"))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"hpciId\":\"NOBODY\",\"eppn\":\"nobody@example.ac.jp\",\"keyPassphrase\":\"x\",\"destination\":\"DOWNLOAD\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(reply.statusCode()).as(reply.body()).isBetween(400, 499);
                return;
            } catch (IOException e) {
                if (!child.isAlive()) {
                    fail(name + " ended at start-up: " + Files.readString(dir.resolve(name + ".log")));
                }
                if (System.nanoTime() > deadline) {
                    fail(name + " did not answer within 120 s: " + e);
                }
                Thread.sleep(250);
            }
        }
    }

    /** Ready when the server answers a request itself: a GET for a name that holds nothing is refused by the server. */
    private void awaitMyProxy(Process child, int port, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                myproxyClient.get(peers.pki.hostName(), port, "readiness-probe", "no such passphrase".toCharArray(), Duration.ofHours(1));
                fail("a name never stored returned a credential");
            } catch (MyProxyClient.Refused e) {
                return;
            } catch (IOException e) {
                if (!child.isAlive()) {
                    fail(name + " ended at start-up: " + Files.readString(dir.resolve(name + ".log")));
                }
                if (System.nanoTime() > deadline) {
                    fail(name + " did not answer within 120 s: " + e);
                }
                Thread.sleep(250);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String hex(String serial) {
        return new java.math.BigInteger(serial, 16).toString(16);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
