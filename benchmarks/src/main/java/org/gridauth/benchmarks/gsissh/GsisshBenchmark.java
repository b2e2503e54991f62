package org.gridauth.benchmarks.gsissh;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.gridmap.GridMapEntry;
import org.gridauth.gsi.gss.DelegationMode;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsissh.client.GsiSshClient;

/**
 * GSI-SSH logins against the gateway running as its own process ({@code gridauth gsissh-gateway}): each login is a
 * new SSH connection, key exchange, GSI gssapi-with-mic authentication, {@code true} run as the mapped account, and
 * close. Reports logins/s and latency at 1 and 8 clients, then runs to 10,000 logins and compares the gateway's
 * heap (after a full GC, via jcmd) and open file descriptors with the figures after warm-up. Appends to RESULTS.md.
 *
 * <p>Usage: {@code GsisshBenchmark <gridauth.jar> <RESULTS.md> [seconds per point] [total logins]}
 */
public final class GsisshBenchmark {

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path results = Path.of(args[1]);
        Duration point = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 20);
        int total = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        Path dir = Files.createTempDirectory("gsissh-bench");
        TestPki pki = TestPki.create(dir);
        String account = "root".equals(System.getProperty("user.name")) ? "nobody" : System.getProperty("user.name");
        Path hostCert = dir.resolve("hostcert.pem");
        Path hostKey = dir.resolve("hostkey.pem");
        CredentialFiles.writeHostCredential(hostCert, hostKey, pki.host());
        Path gridMap = dir.resolve("grid-mapfile");
        Files.writeString(gridMap, new GridMapEntry(pki.user().subject().toOpenSsl(), List.of(account)).toLine() + "\n");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("gsissh-gateway.conf"), String.join("\n", "listen 127.0.0.1", "port " + port,
                "host_cert " + hostCert, "host_key " + hostKey, "cert_dir " + pki.trustDir(), "gridmap " + gridMap,
                "ssh_host_key " + dir.resolve("ssh_host_key"), "failure_limit 1000", ""));
        Process gateway = new ProcessBuilder(List.of(javaBinary(), "-Xmx256m", "-jar", jar.toString(), "gsissh-gateway", config.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile()).start();
        try {
            awaitPort(port);
            Path proxy = dir.resolve("x509up_bench");
            CredentialFiles.writeProxy(proxy, new ProxyMaker(Clock.systemUTC()).create(pki.user(), ProxyRequest.impersonation(Duration.ofHours(12))));
            GsiSshClient client = new GsiSshClient(new GsiSshClient.Options(proxy, pki.trustDir(), DelegationMode.NONE, null, Duration.ofSeconds(30)));
            AtomicLong done = new AtomicLong();
            run(client, pki.hostName(), port, account, 4, Duration.ofSeconds(10), done);
            long[] before = footprint(gateway.pid());
            long afterWarmup = done.get();
            Result one = run(client, pki.hostName(), port, account, 1, point, done);
            Result eight = run(client, pki.hostName(), port, account, 8, point, done);
            while (done.get() < total) {
                run(client, pki.hostName(), port, account, 8, Duration.ofSeconds(30), done);
            }
            long[] after = footprint(gateway.pid());
            String section = String.format(Locale.ROOT, """

                    ## GSI-SSH logins: gridauth gsissh client against the gateway (%s)

                    Command: `benchmarks/run-gsissh-benchmark.sh` (%d s per point after %d warm-up logins; gateway as its own
                    process (`gridauth gsissh-gateway`, -Xmx256m) on this 2-core machine with the load driver; one login = new
                    SSH connection, key exchange, GSI gssapi-with-mic with an RSA-2048 proxy, `true` run as the mapped
                    account through runuser, close). No reference peer: Debian ships no GSI-OpenSSH server.

                    | clients | logins/s | errors | p50 ms | p99 ms |
                    |---|---|---|---|---|
                    | 1 | %.1f | %d | %.1f | %.1f |
                    | 8 | %.1f | %d | %.1f | %.1f |

                    Leak check over %d logins: gateway heap after full GC %d KiB after warm-up, %d KiB at the end; open file
                    descriptors %d and %d. Target: p50 < 150 ms, heap and descriptors flat.
                    """, Instant.now().toString().substring(0, 10), point.toSeconds(), afterWarmup,
                    one.perSecond(), one.errors(), one.p50(), one.p99(), eight.perSecond(), eight.errors(), eight.p50(), eight.p99(),
                    done.get(), before[0], after[0], before[1], after[1]);
            System.out.println(section);
            Files.writeString(results, section, java.nio.file.StandardOpenOption.APPEND);
            client.close();
        } finally {
            gateway.destroy();
            gateway.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private record Result(double perSecond, long errors, double p50, double p99) {
    }

    private static Result run(GsiSshClient client, String host, int port, String account, int clients, Duration duration, AtomicLong done)
            throws InterruptedException {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long begin = System.nanoTime();
                    try {
                        if (client.exec(host, port, account, "true").exitStatus() == 0) {
                            latencies.add(System.nanoTime() - begin);
                            done.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Result(sorted.size() / seconds, errors.get(), percentile(sorted, 0.5), percentile(sorted, 0.99));
    }

    /** Heap used after a full GC (KiB, from jcmd) and open file descriptors of the gateway process. */
    private static long[] footprint(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        long used = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        if (m.find()) {
            used = Long.parseLong(m.group(1));
        }
        long fds;
        try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = list.count();
        }
        return new long[] {used, fds};
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }

    private static void awaitPort(int port) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the gateway did not start on port " + port);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
