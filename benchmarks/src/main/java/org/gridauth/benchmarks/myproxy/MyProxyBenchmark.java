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
        int ourPort = freePort();
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

        Path ourConfig = Files.writeString(dir.resolve("gridauth.config"), String.join("\n",
                "port " + ourPort, "host_cert " + hostCert, "host_key " + hostKey, "cert_dir " + pki.trustDir(),
                "database_url jdbc:h2:file:" + dir.resolve("gridauth-db"), "accepted_credentials \"*\"",
                "authorized_retrievers \"*\"", "default_retrievers \"*\"", "threads 64", ""));
        Process ours = start(List.of(javaBinary(), "-Xmx512m", "-cp", jar.toString(), "org.gridauth.myproxy.server.MyProxyDaemon",
                ourConfig.toString()), Map.of(), dir.resolve("gridauth.log"));
        try {
            awaitPort(debianPort);
            awaitPort(ourPort);
            for (int port : new int[] {debianPort, ourPort}) {
                store(port, pki, userCert, userKey, dir);
            }
            MyProxyGetLoad load = new MyProxyGetLoad(pki.hostName(), pki.ca().certificate(),
                    DelegationRequest.generate(2048, new SecureRandom()));
            // Warm-up: the JIT for ours, the page cache for both.
            load.run(debianPort, USER, PASSPHRASE, 4, Duration.ofSeconds(5));
            load.run(ourPort, USER, PASSPHRASE, 4, Duration.ofSeconds(10));
            List<String> rows = new ArrayList<>();
            for (int concurrency : new int[] {4, 16}) {
                MyProxyGetLoad.Result reference = load.run(debianPort, USER, PASSPHRASE, concurrency, point);
                MyProxyGetLoad.Result gridauth = load.run(ourPort, USER, PASSPHRASE, concurrency, point);
                rows.add(String.format(Locale.ROOT, "| %d | %.1f | %d | %.1f / %.1f | %.1f | %d | %.1f / %.1f | **%.2f** |", concurrency,
                        reference.perSecond(), reference.errors(), reference.p50Millis(), reference.p99Millis(),
                        gridauth.perSecond(), gridauth.errors(), gridauth.p50Millis(), gridauth.p99Millis(),
                        gridauth.perSecond() / reference.perSecond()));
                System.out.println(rows.get(rows.size() - 1));
            }
            long idleKib = idleConnectionMemory(ours.pid(), pki, ourPort, 200);
            write(results, point, rows, idleKib);
        } finally {
            ours.destroy();
            ours.waitFor(10, TimeUnit.SECONDS);
            if (Files.exists(pidFile)) {
                new ProcessBuilder("kill", Files.readString(pidFile).strip()).start().waitFor();
            }
        }
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

    private static void write(Path results, Duration point, List<String> rows, long idleKib) throws IOException {
        StringBuilder section = new StringBuilder();
        section.append("\n## MyProxy GET: gridauth vs Debian myproxy-server (").append(Instant.now().toString(), 0, 10).append(")\n\n");
        section.append("Command: `benchmarks/run-myproxy-benchmark.sh` (").append(point.toSeconds())
                .append(" s per point, after warm-up; both servers are separate processes on this 2-core machine, ")
                .append("same CA, host credential and stored credential; one pre-generated client key; a new TLS connection per GET).\n\n");
        section.append("| clients | Debian GET/s | Debian errors | Debian p50/p99 ms | gridauth GET/s | gridauth errors | gridauth p50/p99 ms | ratio |\n");
        section.append("|---|---|---|---|---|---|---|---|\n");
        rows.forEach(r -> section.append(r).append('\n'));
        section.append("\ngridauth server memory per idle TLS connection (RSS growth over 200 idle connections): ")
                .append(idleKib).append(" KiB.\n");
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
