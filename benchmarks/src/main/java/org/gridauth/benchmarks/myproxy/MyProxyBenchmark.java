package org.gridauth.benchmarks.myproxy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.proxy.DelegationRequest;
import org.gridauth.gsi.testing.TestPki;

/**
 * gridauth's MyProxy repository against Debian's myproxy-server, same machine, same CA, same stored credential,
 * same run. Both servers run as separate processes; this JVM is only the load driver. Appends a section to
 * benchmarks/RESULTS.md.
 *
 * <p>Usage: {@code MyProxyBenchmark <gridauth.jar> <RESULTS.md> [seconds per point]}
 */
public final class MyProxyBenchmark {

    private static final String USER = "bench";
    private static final String PASSPHRASE = "benchmark passphrase";

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path results = Path.of(args[1]);
        Duration point = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 20);
        Path dir = Files.createTempDirectory("myproxy-bench");
        TestPki pki = TestPki.create(dir);
        Path hostCert = dir.resolve("hostcert.pem");
        Path hostKey = dir.resolve("hostkey.pem");
        CredentialFiles.writeHostCredential(hostCert, hostKey, pki.host());
        Path userCert = dir.resolve("usercert.pem");
        Path userKey = dir.resolve("userkey.pem");
        Files.writeString(userCert, Pem.encode(pki.user().certificate()));
        AtomicFiles.write(userKey, Pem.encode(pki.user().privateKey()).getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_READ);

        int debianPort = freePort();
        Path storage = Files.createDirectories(dir.resolve("debian-store"));
        Files.setPosixFilePermissions(storage, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path debianConfig = Files.writeString(dir.resolve("debian.config"),
                "accepted_credentials \"*\"\nauthorized_retrievers \"*\"\ndefault_retrievers \"*\"\nmax_proxy_lifetime 168\n");
        Path pidFile = dir.resolve("debian.pid");
        Map<String, String> serverEnv = Map.of("X509_USER_CERT", hostCert.toString(), "X509_USER_KEY", hostKey.toString(),
                "X509_CERT_DIR", pki.trustDir().toString());
        Process debian = start(List.of("/usr/sbin/myproxy-server", "-c", debianConfig.toString(), "-s", storage.toString(),
                "-p", Integer.toString(debianPort), "-P", pidFile.toString()), serverEnv, dir.resolve("debian.log"));
        debian.waitFor(10, TimeUnit.SECONDS);

        // Two gridauth instances: the shipped default (unlock cache on) and one with the cache off whose database
        // also holds 100,000 other credentials, for the at-scale latency figures.
        Path bigDb = dir.resolve("gridauth-big");
        long preload = preload(bigDb, pki, 100_000);
        int ourPort = freePort();
        int coldPort = freePort();
        Process ours = startGridauth(jar, dir, "gridauth", ourPort, hostCert, hostKey, pki, dir.resolve("gridauth-db"), 300);
        Process cold = startGridauth(jar, dir, "gridauth-nocache", coldPort, hostCert, hostKey, pki, bigDb, 0);
        try {
            awaitPort(debianPort);
            awaitPort(ourPort);
            awaitPort(coldPort);
            for (int port : new int[] {debianPort, ourPort, coldPort}) {
                store(port, pki, userCert, userKey, dir);
            }
            long debianPid = Long.parseLong(Files.readString(pidFile).strip());
            MyProxyGetLoad load = new MyProxyGetLoad(pki.hostName(), pki.ca().certificate(),
                    DelegationRequest.generate(2048, new SecureRandom()), pki.user());
            // Warm-up: the JIT for ours, the page cache for all.
            load.run(debianPort, USER, PASSPHRASE, 4, Duration.ofSeconds(5));
            load.run(ourPort, USER, PASSPHRASE, 4, Duration.ofSeconds(10));
            load.run(coldPort, USER, PASSPHRASE, 4, Duration.ofSeconds(10));
            List<String> rows = new ArrayList<>();
            for (int concurrency : new int[] {4, 16}) {
                Measured reference = measure(load, debianPort, debianPid, concurrency, point);
                Measured gridauth = measure(load, ourPort, ours.pid(), concurrency, point);
                Measured noCache = measure(load, coldPort, cold.pid(), concurrency, point);
                rows.add(String.format(Locale.ROOT, "| %d | %s | %s | **%.2f** | %s | **%.2f** |", concurrency, reference.cells(),
                        gridauth.cells(), gridauth.result().perSecond() / reference.result().perSecond(), noCache.cells(),
                        noCache.result().perSecond() / reference.result().perSecond()));
                System.out.println(rows.get(rows.size() - 1));
            }
            MyProxyGetLoad.Result bigGet = load.run(coldPort, load.getAny("user", 100_000, PASSPHRASE), 4, point);
            MyProxyGetLoad.Result bigInfo = load.run(coldPort, load.infoAny("user", 100_000), 4, point);
            long idleKib = idleConnectionMemory(ours.pid(), pki, ourPort, 500);
            write(results, point, rows, preload, bigGet, bigInfo, idleKib);
        } finally {
            for (Process p : new Process[] {ours, cold}) {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            if (Files.exists(pidFile)) {
                new ProcessBuilder("kill", Files.readString(pidFile).strip()).start().waitFor();
            }
        }
    }

    /** A load result with the server's CPU time per successful operation (children included, for forking servers). */
    private record Measured(MyProxyGetLoad.Result result, double cpuMillisPerOp) {
        String cells() {
            return String.format(Locale.ROOT, "%.1f | %d | %.1f / %.1f | %.1f", result.perSecond(), result.errors(),
                    result.p50Millis(), result.p99Millis(), cpuMillisPerOp);
        }
    }

    private static Measured measure(MyProxyGetLoad load, int port, long pid, int concurrency, Duration point) throws Exception {
        long before = cpuTicks(pid);
        MyProxyGetLoad.Result result = load.run(port, USER, PASSPHRASE, concurrency, point);
        long ticks = cpuTicks(pid) - before;
        return new Measured(result, result.successes() == 0 ? Double.NaN : ticks * 10.0 / result.successes());
    }

    /** utime + stime + cutime + cstime of a process, in clock ticks (1/100 s on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    }

    /**
     * Fills a fresh H2 database with {@code count} credentials user0..user(n-1); returns the seconds it took. The
     * schema comes from the store (Flyway); the rows go in as JDBC batches of 1,000 per transaction, because one
     * transaction per row (as the server does for a client's PUT) would make loading take longer than the benchmark.
     */
    private static long preload(Path db, TestPki pki, int count) throws Exception {
        long start = System.nanoTime();
        org.h2.jdbcx.JdbcDataSource source = new org.h2.jdbcx.JdbcDataSource();
        source.setURL("jdbc:h2:file:" + db);
        new org.gridauth.myproxy.store.JdbcCredentialStore(source);
        // One sealed blob for all rows: sealing 100,000 keys with PBKDF2 would take longer than the whole benchmark,
        // and the no-cache server re-derives the key on every GET anyway, so sharing the salt changes nothing measured.
        byte[] sealed = new org.gridauth.myproxy.store.KeyEncryption(20_000, new SecureRandom())
                .seal(pki.user().privateKey(), PASSPHRASE.toCharArray());
        String chain = Pem.encode(pki.user().chain());
        long now = Instant.now().getEpochSecond();
        long end = pki.user().certificate().getNotAfter().toInstant().getEpochSecond();
        try (java.sql.Connection connection = source.getConnection()) {
            connection.setAutoCommit(false);
            try (java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO mp_credential (username, cred_name, "
                    + "owner_dn, kind, chain_pem, encrypted_key, start_time, end_time, created_at) VALUES (?, '', ?, 'PROXY', ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < count; i++) {
                    insert.setString(1, "user" + i);
                    insert.setString(2, pki.user().subject().toOpenSsl());
                    insert.setString(3, chain);
                    insert.setBytes(4, sealed);
                    insert.setLong(5, now);
                    insert.setLong(6, end);
                    insert.setLong(7, now);
                    insert.addBatch();
                    if (i % 1000 == 999) {
                        insert.executeBatch();
                        connection.commit();
                    }
                }
                insert.executeBatch();
                connection.commit();
            }
        }
        return Duration.ofNanos(System.nanoTime() - start).toSeconds();
    }

    private static Process startGridauth(Path jar, Path dir, String name, int port, Path hostCert, Path hostKey, TestPki pki, Path db,
                                         int unlockCacheSeconds) throws IOException {
        Path config = Files.writeString(dir.resolve(name + ".config"), String.join("\n",
                "port " + port, "host_cert " + hostCert, "host_key " + hostKey, "cert_dir " + pki.trustDir(),
                "database_url jdbc:h2:file:" + db, "sealing_key " + dir.resolve(name + ".key"), "accepted_credentials \"*\"",
                "authorized_retrievers \"*\"", "default_retrievers \"*\"", "unlock_cache_seconds " + unlockCacheSeconds, ""));
        return start(List.of(javaBinary(), "-Xmx512m", "-cp", jar.toString(), "org.gridauth.myproxy.server.MyProxyDaemon",
                config.toString()), Map.of(), dir.resolve(name + ".log"));
    }

    /** Server RSS growth per idle TLS connection (handshake done, no request), in KiB. */
    private static long idleConnectionMemory(long pid, TestPki pki, int port, int count) throws Exception {
        System.gc();
        long before = rssKib(pid);
        List<SSLSocket> idle = new ArrayList<>();
        javax.net.ssl.SSLContext context = TestPki.anonymousClientTls(pki.ca().certificate());
        try {
            for (int i = 0; i < count; i++) {
                SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(pki.hostName(), port);
                socket.startHandshake();
                idle.add(socket);
            }
            Thread.sleep(1000);
            return Math.max(0, (rssKib(pid) - before) / count);
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    private static void store(int port, TestPki pki, Path cert, Path key, Path dir) throws Exception {
        ProcessBuilder init = new ProcessBuilder("myproxy-init", "-S", "-l", USER, "-c", "24", "-C", cert.toString(), "-y", key.toString());
        init.environment().putAll(Map.of("X509_CERT_DIR", pki.trustDir().toString(), "MYPROXY_SERVER", pki.hostName(),
                "MYPROXY_SERVER_PORT", Integer.toString(port), "X509_USER_PROXY", dir.resolve("x509up_" + port).toString()));
        init.redirectErrorStream(true);
        Process p = init.start();
        p.getOutputStream().write((PASSPHRASE + "\n").getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("myproxy-init against port " + port + " failed: " + output);
        }
    }

    private static void write(Path results, Duration point, List<String> rows, long preloadSeconds, MyProxyGetLoad.Result bigGet,
                              MyProxyGetLoad.Result bigInfo, long idleKib) throws IOException {
        StringBuilder section = new StringBuilder();
        section.append("\n## MyProxy GET: gridauth vs Debian myproxy-server (").append(Instant.now().toString(), 0, 10).append(")\n\n");
        section.append("Command: `benchmarks/run-myproxy-benchmark.sh` (").append(point.toSeconds())
                .append(" s per point, after warm-up; all servers are separate processes on this 2-core machine with the load ")
                .append("driver; same CA, host credential and stored credential; one pre-generated client key; a new TLS connection ")
                .append("per GET). Each server cell: GET/s | errors | p50 / p99 ms | server CPU ms per GET (from /proc, forked ")
                .append("children included). \"gridauth\" is the shipped default (unlock cache 300 s); \"no cache\" derives ")
                .append("the key with PBKDF2 (20,000 rounds) on every GET and also holds 100,000 other credentials.\n\n");
        section.append("| clients | Debian GET/s | err | p50 / p99 | CPU ms | gridauth GET/s | err | p50 / p99 | CPU ms | ratio "
                + "| no cache GET/s | err | p50 / p99 | CPU ms | ratio |\n");
        section.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        rows.forEach(r -> section.append(r).append('\n'));
        section.append(String.format(Locale.ROOT, "%nWith 100,000 stored credentials (loaded in %d s), 4 clients, random users: "
                + "GET %.1f/s, p50 %.1f ms, p99 %.1f ms, %d errors; INFO %.1f/s, p50 %.1f ms, p99 %.1f ms, %d errors.%n",
                preloadSeconds, bigGet.perSecond(), bigGet.p50Millis(), bigGet.p99Millis(), bigGet.errors(),
                bigInfo.perSecond(), bigInfo.p50Millis(), bigInfo.p99Millis(), bigInfo.errors()));
        section.append("\ngridauth server memory per idle TLS connection (RSS growth over 500 idle connections, each holding ")
                .append("its own session thread): ").append(idleKib).append(" KiB.\n");
        if (!Files.exists(results)) {
            Files.writeString(results, "# gridauth benchmark results\n\nEach section says the command that produced it. "
                    + "Ratios compare gridauth with the reference peer measured in the same run.\n");
        }
        Files.writeString(results, section.toString(), java.nio.file.StandardOpenOption.APPEND);
    }

    private static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }

    private static void awaitPort(int port) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nothing listens on port " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
