package org.gridauth.myproxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.TlsKeys;
import org.gridauth.gsi.proxy.ProxyInfo;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.myproxy.client.MyProxyClient;
import org.gridauth.myproxy.protocol.MessageIo;
import org.gridauth.myproxy.protocol.MyProxyCommand;
import org.gridauth.myproxy.protocol.MyProxyRequest;
import org.gridauth.myproxy.protocol.MyProxyResponse;
import org.gridauth.myproxy.store.CredentialKind;
import org.gridauth.myproxy.store.JdbcCredentialStore;
import org.gridauth.myproxy.store.KeyEncryption;
import org.gridauth.myproxy.store.StoredCredential;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency of the repository (issue #11 item 2): the daemon runs in a child JVM on an H2 file database, the
 * test drives concurrent PUT (as myproxy-init) and STORE (as myproxy-store) through the Java client, kills the child
 * with SIGKILL in mid-flight, and checks the database as it was left and the restarted server.
 */
class MyProxyCrashConsistencyTest {

    private static final int ROUNDS = 3;
    private static final int WRITERS = 4;
    private static final int NAMES_PER_WRITER = 3;
    private static final int KDF_ITERATIONS = 10_000;

    @TempDir
    Path dir;

    private final TestPki pki = TestPki.shared();
    private final ProxyMaker proxies = new ProxyMaker(java.time.Clock.systemUTC());

    /** One user name a writer keeps replacing: the passphrase last acknowledged, and the one in flight when the server died. */
    private static final class Slot {
        final String username;
        final boolean put;
        volatile String acknowledged;
        volatile String inFlight;
        int writes;
        /** Every passphrase ever sent for this name, in order: tells which write a row that matches neither candidate came from. */
        final List<String> history = Collections.synchronizedList(new ArrayList<>());

        Slot(String username, boolean put) {
            this.username = username;
            this.put = put;
        }

        List<String> acceptable() {
            List<String> out = new ArrayList<>();
            if (inFlight != null) {
                out.add(inFlight);
            }
            if (acknowledged != null) {
                out.add(acknowledged);
            }
            return out;
        }
    }

    @Test
    @DisplayName("R-MP-1, R-MP-2: MyProxy killed with SIGKILL during concurrent PUT and STORE keeps every acknowledged credential retrievable "
            + "with its passphrase, leaves no half-written credential, and restarts without repair")
    void killedDuringPutAndStore() throws Exception {
        Path config = config(freePort());
        int port = portOf(config);
        Map<String, Slot> slots = new LinkedHashMap<>();
        for (int w = 0; w < WRITERS; w++) {
            for (int n = 0; n < NAMES_PER_WRITER; n++) {
                // Half the writers PUT (server-made key sealed under the passphrase), half STORE (the user's encrypted key kept as sent).
                String name = (w % 2 == 0 ? "put" : "store") + "-w" + w + "-" + n;
                slots.put(name, new Slot(name, w % 2 == 0));
            }
        }
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        int acknowledgedTotal = 0;
        int inFlightAtKills = 0;
        try (ChainValidator validator = ChainValidator.strict(pki.trustDir())) {
            MyProxyClient client = new MyProxyClient(validator, Duration.ofSeconds(15));
            for (int round = 1; round <= ROUNDS; round++) {
                Process child = start(config, round);
                try {
                    awaitReady(client, child, port, round);
                    if (round > 1) {
                        checkServed(client, port, slots.values());
                    }
                    acknowledgedTotal += load(client, port, child, slots, unexpected, round);
                    inFlightAtKills += (int) slots.values().stream().filter(s -> s.inFlight != null).count();
                } finally {
                    child.destroyForcibly();
                    child.waitFor(30, TimeUnit.SECONDS);
                }
                assertThat(unexpected).as("failures while the server was alive").isEmpty();
                // What kill -9 left on disk: the database opens as it is, and every row is whole.
                checkRows(slots.values());
            }
            Process last = start(config, ROUNDS + 1);
            try {
                awaitReady(client, last, port, ROUNDS + 1);
                checkServed(client, port, slots.values());
            } finally {
                last.destroyForcibly();
                last.waitFor(30, TimeUnit.SECONDS);
            }
        }
        System.out.printf("MyProxy crash test: %d writes acknowledged, %d in flight at the %d kills%n", acknowledgedTotal, inFlightAtKills, ROUNDS);
        assertThat(acknowledgedTotal).as("acknowledged writes over all rounds").isGreaterThanOrEqualTo(ROUNDS * 6);
        assertThat(inFlightAtKills).as("the kills hit writes in flight").isPositive();
    }

    /**
     * Writers PUT/STORE in a loop; once the round has acknowledged enough writes the child is killed while the writers are
     * still sending. Returns how many writes the server acknowledged in the round.
     */
    private int load(MyProxyClient client, int port, Process child, Map<String, Slot> slots, List<String> unexpected, int round)
            throws Exception {
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger acknowledged = new AtomicInteger();
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        List<Slot> all = new ArrayList<>(slots.values());
        try {
            for (int w = 0; w < WRITERS; w++) {
                List<Slot> mine = all.subList(w * NAMES_PER_WRITER, (w + 1) * NAMES_PER_WRITER);
                writers.submit(() -> {
                    for (int i = 0; !killed.get(); i++) {
                        Slot slot = mine.get(i % mine.size());
                        String passphrase = "crash passphrase " + slot.username + " r" + round + " #" + (++slot.writes);
                        slot.inFlight = passphrase;
                        slot.history.add(passphrase);
                        try {
                            write(client, port, slot, passphrase);
                            slot.acknowledged = passphrase;
                            slot.inFlight = null;
                            acknowledged.incrementAndGet();
                        } catch (IOException | MyProxyClient.Refused | RuntimeException e) {
                            if (!killed.get()) {
                                unexpected.add(slot.username + ": " + e);
                            }
                            return null;
                        }
                    }
                    return null;
                });
            }
            // A few seconds of load: kill once enough writes are acknowledged that some replace earlier ones.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (acknowledged.get() < 2 * WRITERS + round && unexpected.isEmpty()) {
                if (System.nanoTime() > deadline || !child.isAlive()) {
                    fail("round " + round + ": only " + acknowledged.get() + " writes acknowledged; " + unexpected);
                }
                Thread.sleep(20);
            }
            killed.set(true);
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            killed.set(true);
            writers.shutdown();
            assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).as("writers end once the server is gone").isTrue();
        }
        return acknowledged.get();
    }

    private void write(MyProxyClient client, int port, Slot slot, String passphrase) throws IOException, MyProxyClient.Refused {
        Credential user = pki.user();
        MyProxyClient.StoreOptions options = MyProxyClient.StoreOptions.of(slot.username, Duration.ofHours(12));
        if (slot.put) {
            client.put(pki.hostName(), port, user, options, passphrase.toCharArray(),
                    csr -> proxies.sign(user, csr, ProxyRequest.impersonation(Duration.ofHours(12)), 2048));
        } else {
            client.store(pki.hostName(), port, user, options, CredentialFiles.encryptedKeyPem(user.privateKey(), passphrase.toCharArray()));
        }
    }

    /**
     * The database as the killed server left it, opened directly: each row's chain decodes and its key opens with the
     * acknowledged passphrase or the one in flight; a name whose only write was in flight has no row or a whole one.
     */
    private void checkRows(Iterable<Slot> slots) throws Exception {
        JdbcCredentialStore store = new JdbcCredentialStore(h2(dir.resolve("db/credentials")));
        KeyEncryption keys = new KeyEncryption(KDF_ITERATIONS, new SecureRandom());
        for (Slot slot : slots) {
            var found = store.find(slot.username, "");
            if (slot.acknowledged != null) {
                assertThat(found).as(slot.username + " was acknowledged").isPresent();
            }
            if (found.isEmpty()) {
                continue;
            }
            StoredCredential row = found.get();
            assertThat(row.kind()).isEqualTo(slot.put ? CredentialKind.PROXY : CredentialKind.END_ENTITY);
            assertThat(row.chain()).isNotEmpty();
            assertThat(row.chain().get(0).getSubjectX500Principal()).isNotNull();
            String opened = opener(keys, slot, row, slot.acceptable());
            if (opened == null) {
                // Which write did the row come from? Names it in the failure, so a lost commit and a tracking slip look different.
                List<String> history = new ArrayList<>(slot.history);
                String actual = opener(keys, slot, row, history);
                fail(slot.username + ": the stored key opens with neither the acknowledged passphrase (" + label(slot.acknowledged)
                        + ") nor the one in flight (" + label(slot.inFlight) + ") but with " + label(actual) + " of " + history.size()
                        + " writes");
            }
        }
    }

    private static String opener(KeyEncryption keys, Slot slot, StoredCredential row, List<String> candidates) throws Exception {
        for (String candidate : candidates) {
            try {
                PrivateKey key = slot.put ? keys.open(row.encryptedKey(), candidate.toCharArray(), "RSA")
                        : CredentialFiles.decryptPrivateKey(row.encryptedKey(), candidate.toCharArray(), "row");
                assertThat(CredentialFiles.keyMatches(key, row.chain().get(0).getPublicKey())).as(slot.username + ": key matches").isTrue();
                return candidate;
            } catch (KeyEncryption.WrongPassphrase | org.gridauth.gsi.error.GridAuthException e) {
                // the next candidate
            }
        }
        return null;
    }

    /** A passphrase as the failure message shows it: its round and write number only (the text is test data, never a real secret). */
    private static String label(String passphrase) {
        return passphrase == null ? "none" : passphrase.substring(passphrase.lastIndexOf(' ', passphrase.lastIndexOf('#') - 2) + 1);
    }

    /**
     * The restarted server: GET with the passphrase works for every credential whose write was acknowledged (or the one in
     * flight, if it landed), and INFO lists exactly the names that hold a credential.
     */
    private void checkServed(MyProxyClient client, int port, Iterable<Slot> slots) throws Exception {
        for (Slot slot : slots) {
            String working = null;
            for (String candidate : slot.acceptable()) {
                try {
                    Credential proxy = client.get(pki.hostName(), port, slot.username, candidate.toCharArray(), Duration.ofHours(1));
                    assertThat(proxy.identity()).isEqualTo(pki.user().subject());
                    assertThat(ProxyInfo.of(proxy.chain()).proxy()).isTrue();
                    working = candidate;
                    break;
                } catch (MyProxyClient.Refused e) {
                    assertThat(e.getMessage()).as(slot.username).as(slot.username + ": refused only as wrong passphrase or no credential").containsAnyOf("GA-MP-001", "GA-MP-002");
                }
            }
            MyProxyResponse info = info(port, slot.username);
            if (slot.acknowledged != null) {
                assertThat(working).as(slot.username + ": acknowledged, so retrievable with its passphrase").isNotNull();
            }
            if (working != null) {
                assertThat(info.code()).as(slot.username + " INFO").isEqualTo(MyProxyResponse.OK);
                assertThat(info.value("CRED_OWNER")).isEqualTo(pki.user().subject().toOpenSsl());
                slot.acknowledged = working;
            } else {
                assertThat(info.code()).as(slot.username + " INFO lists nothing for a write that never completed").isEqualTo(MyProxyResponse.ERROR);
                slot.acknowledged = null;
            }
            slot.inFlight = null;
        }
    }

    /** INFO as myproxy-info sends it, authenticated as the owner. */
    private MyProxyResponse info(int port, String username) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(TlsKeys.keyManagers(pki.user()), TlsKeys.trusting(List.of(pki.ca().certificate())), new SecureRandom());
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(pki.hostName(), port)) {
            socket.setSoTimeout(15_000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            MessageIo.write(out, new byte[] {'0'});
            MessageIo.write(out, new MyProxyRequest(MyProxyRequest.VERSION, MyProxyCommand.INFO, username, "", "", 0, "", "", null, null, null,
                    null, false).encode());
            while (true) {
                byte[] message = MessageIo.readMessage(in, 1 << 20);
                if (message.length > 0) {
                    return MyProxyResponse.parse(message);
                }
            }
        }
    }

    private Path config(int port) throws Exception {
        CredentialFiles.writeHostCredential(dir.resolve("hostcert.pem"), dir.resolve("hostkey.pem"), pki.host());
        return Files.writeString(dir.resolve("myproxy-server.config"), String.join("\n",
                "port " + port,
                "host_cert " + dir.resolve("hostcert.pem"),
                "host_key " + dir.resolve("hostkey.pem"),
                "cert_dir " + pki.trustDir(),
                "database_url jdbc:h2:file:" + dir.resolve("db/credentials"),
                "sealing_key " + dir.resolve("sealing.key"),
                "kdf_iterations " + KDF_ITERATIONS,
                "threads 16",
                "accepted_credentials \"*\"",
                "authorized_retrievers \"*\"",
                "default_retrievers \"*\"",
                // Retries with the older of two candidate passphrases must not lock the name.
                "lockout_threshold 1000000",
                ""));
    }

    private static int portOf(Path config) throws IOException {
        return Files.readAllLines(config).stream().filter(l -> l.startsWith("port ")).mapToInt(l -> Integer.parseInt(l.substring(5))).findFirst()
                .orElseThrow();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static javax.sql.DataSource h2(Path base) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + base + ";WRITE_DELAY=0");
        return h2;
    }

    private Process start(Path config, int round) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), MyProxyDaemon.class.getName(), config.toString())
                .redirectOutput(dir.resolve("myproxy-" + round + ".out").toFile())
                .redirectError(dir.resolve("myproxy-" + round + ".err").toFile())
                .start();
    }

    /** Ready when the server answers a request: a GET for a name that holds nothing is refused by the server, not by the network. */
    private void awaitReady(MyProxyClient client, Process child, int port, int round) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (true) {
            try {
                client.get(pki.hostName(), port, "readiness-probe", "no such passphrase".toCharArray(), Duration.ofHours(1));
                fail("a name never stored returned a credential");
            } catch (MyProxyClient.Refused e) {
                return;
            } catch (IOException e) {
                if (!child.isAlive()) {
                    fail("the MyProxy daemon ended at start-up: " + Files.readString(dir.resolve("myproxy-" + round + ".err"), StandardCharsets.UTF_8));
                }
                if (System.nanoTime() > deadline) {
                    fail("the MyProxy daemon did not answer within 45 s: " + e);
                }
                Thread.sleep(100);
            }
        }
    }
}
