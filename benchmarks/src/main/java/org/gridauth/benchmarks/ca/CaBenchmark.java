package org.gridauth.benchmarks.ca;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.gridauth.ca.ceremony.CeremonyRequest;
import org.gridauth.ca.ceremony.KeyCeremony;
import org.gridauth.ca.policy.CaPolicy;
import org.gridauth.ca.policy.CaProfile;
import org.gridauth.ca.policy.CrlSchedule;
import org.gridauth.ca.policy.RaAuthorization;
import org.gridauth.ca.protocol.RaCodec;
import org.gridauth.ca.server.RaLinkServer;
import org.gridauth.ca.service.CrlService;
import org.gridauth.ca.service.IssuanceService;
import org.gridauth.ca.service.RaLinkService;
import org.gridauth.ca.service.RevocationService;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.store.JdbcCrlStore;
import org.gridauth.ca.store.JdbcRequestLog;
import org.gridauth.ca.token.CaKey;
import org.gridauth.ca.token.Pkcs11Config;
import org.gridauth.ca.token.Pkcs11Token;
import org.gridauth.ca.token.TokenInventory;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.crl.RevokedEntry;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.profile.Signers;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.NamespacePolicy;

/**
 * Issue #3's performance figures, one run, this machine: (1) raw RSA-2048 signatures/s of one SoftHSM2 token
 * through SunPKCS11 (ca-server's own {@link CaKey} signer: one {@code Signature}, hence one PKCS#11 session, per
 * thread over the cached key handle) against full RA-to-CA issuances/s through the real RA link (mutual TLS,
 * H2 file database commit, audit record) on the same token; (2) CRL generation with ca-server's {@link CrlService}
 * (database read, build, token signature, record, publish) against {@code openssl ca -gencrl} over the same
 * revoked serials. Appends a dated section to benchmarks/RESULTS.md.
 *
 * <p>SoftHSM2 reads {@code SOFTHSM2_CONF} once per process, so the caller (run-ca-benchmark.sh) sets it to a file
 * in a fresh directory; this driver writes that file and initialises the token before SunPKCS11 loads.
 *
 * <p>Usage: {@code CaBenchmark <RESULTS.md> [seconds per rate point] [largest CRL size]}
 */
public final class CaBenchmark {

    private static final String ORGANISATION = "/C=JP/O=GridAuth Bench";
    private static final GridDn CA_DN = GridDn.fromOpenSsl(ORGANISATION + "/CN=GridAuth Bench CA");
    private static final int THREADS = 2;
    /** Batch sizes measured: certificates per POST /v1/issue-batch (CA_BENCH_BATCH overrides, comma-separated). */
    private static final String BATCHES = System.getenv().getOrDefault("CA_BENCH_BATCH", "100,500");
    private static final int[] BATCH_SIZES = Arrays.stream(BATCHES.split(",")).mapToInt(b -> Integer.parseInt(b.trim())).toArray();
    private static final int[] CRL_SIZES = {10_000, 100_000, 1_000_000};
    /**
     * The longest warm-up of a rate point (CA_BENCH_WARMUP seconds). A point's warm-up runs its own work until the
     * JIT is quiet, so that the measured seconds are steady state: with a warm-up of a fixed 1,000 certificates, C2
     * still compiled for 16% of the machine's CPU during the measured batch point (async-profiler, 2026-11-24).
     */
    private static final Duration WARM_UP_MAX = Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("CA_BENCH_WARMUP", "90")));
    /**
     * Issuance windows of a batch point (CA_BENCH_CYCLES), each between two raw-signature windows of the same length:
     * this machine's speed drifts by 15-30% within minutes (the raw rate of one run ranged 2,404-2,826/s), so a
     * batch point is compared with the raw rate measured just before and just after it, not with raw points minutes away.
     */
    private static final int CYCLES = Integer.parseInt(System.getenv().getOrDefault("CA_BENCH_CYCLES", "4"));
    /** JIT compilation time per 5-s warm-up slice under which the JIT counts as quiet (1% of one core). */
    private static final long QUIET_JIT_MS = 50;
    /** Databases the issuance points run on: h2 (file, as the CA opens it) and/or postgres (127.0.0.1:5432, database test). */
    private static final String DATABASES = System.getenv().getOrDefault("CA_BENCH_DB", "h2,postgres");
    /** The RSA checks of the issuing path, as the CA chooses them (native where the library loads). */
    private static final org.gridauth.ca.crypto.RsaVerification RSA = org.gridauth.ca.crypto.RsaVerification.preferNative();

    /** The issuance points on one database. */
    record DbResult(String name, RateResult single, RateResult direct, PairedResult[] batched) {
    }

    /**
     * A point measured in {@link #CYCLES} windows, each between two windows of raw signatures (2 threads): raw,
     * issuance, raw, issuance, ..., raw. {@code issuance} is all issuance windows together.
     */
    record PairedResult(RateResult issuance, double[] raw, double[] issued) {

        /** Each issuance window's rate over the mean of the raw rates of the windows just before and just after it. */
        double[] ratios() {
            double[] out = new double[issued.length];
            for (int k = 0; k < issued.length; k++) {
                out[k] = issued[k] / ((raw[k] + raw[k + 1]) / 2);
            }
            return out;
        }

        double medianRatio() {
            double[] sorted = ratios().clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        /** All issuance windows' rate over all raw windows' mean rate. */
        double pooledRatio() {
            return issuance.perSecond() / Arrays.stream(raw).average().orElseThrow();
        }
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        Duration point = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 20);
        int largest = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null) {
            throw new IllegalStateException("set SOFTHSM2_CONF to a file in an empty directory before the JVM starts (run-ca-benchmark.sh does)");
        }
        Path dir = Files.createTempDirectory("ca-bench");
        String pin = "pin-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
        long slot = initialiseToken(Path.of(conf), pin);
        Pkcs11Config config = new Pkcs11Config(Pkcs11Config.SOFTHSM2, slot);
        Pkcs11Token token = Pkcs11Token.login(config, pin.toCharArray());
        Clock clock = Clock.systemUTC();
        new KeyCeremony(clock, new CertificateMaker(clock), new JdbcAuditTrail(new CaDatabase(h2(dir.resolve("ceremony"))), clock))
                .run(token, new TokenInventory().describe(config),
                        new CeremonyRequest(List.of("Benchmark Operator"), CA_DN, "ca", 2048, true, CertificateProfiles.ca()));
        CaKey caKey = token.caKey("ca", "SHA256withRSA");

        // 1. Raw signatures against issuances over the RA link, on each database. The raw rate is measured with the
        // client threads' parallelism (2) and with the most threads the CA signs a batch on (2 requests x 2), before and
        // after the issuance points; the ratio is taken against the highest of these (the conservative choice).
        rawSignatures(caKey, Duration.ofSeconds(3), THREADS);
        List<RateResult> raws = new ArrayList<>();
        raws.add(rawSignatures(caKey, point, THREADS));
        raws.add(rawSignatures(caKey, point, 2 * THREADS));
        System.out.printf(Locale.ROOT, "raw: %.1f signatures/s (2 threads), %.1f (4 threads)%n", raws.get(0).perSecond(), raws.get(1).perSecond());
        List<DbResult> databases = new ArrayList<>();
        Csrs csrs = new Csrs();
        for (String db : DATABASES.split(",")) {
            DbResult r = issuances(dir, db.trim(), caKey, clock, raws.get(0).perSecond(), point, csrs);
            databases.add(r);
            for (int b = 0; b < BATCH_SIZES.length; b++) {
                RateResult batched = r.batched()[b].issuance();
                System.out.printf(Locale.ROOT, "%s batched issuance (%d per request): %.1f certificates/s errors %d p50 %.1f p99 %.1f ms per batch; CPU ms/item %s;"
                                + " against the raw windows around each: %s%n",
                        r.name(), BATCH_SIZES[b], batched.perSecond(), batched.errors(), batched.p50(), batched.p99(), cpu(batched), windows(r.batched()[b]));
            }
            System.out.printf(Locale.ROOT, "%s direct issuance: %.1f/s errors %d p50 %.1f p99 %.1f ms%n", r.name(), r.direct().perSecond(),
                    r.direct().errors(), r.direct().p50(), r.direct().p99());
            System.out.printf(Locale.ROOT, "%s issuance: %.1f/s errors %d p50 %.1f p99 %.1f ms%n", r.name(), r.single().perSecond(),
                    r.single().errors(), r.single().p50(), r.single().p99());
        }
        raws.add(rawSignatures(caKey, point, THREADS));
        raws.add(rawSignatures(caKey, point, 2 * THREADS));
        System.out.printf(Locale.ROOT, "raw after: %.1f signatures/s (2 threads), %.1f (4 threads)%n", raws.get(2).perSecond(), raws.get(3).perSecond());

        // 2. CRLs.
        List<CrlRow> crlRows = new ArrayList<>();
        Path opensslCa = opensslCa(dir.resolve("openssl-ca"));
        List<RevokedEntry> all = entries(largest, clock.instant());
        crl(dir, "warm-up", caKey, clock, all.subList(0, Math.min(5_000, all.size())), null); // JIT and class loading
        for (int size : CRL_SIZES) {
            if (size > largest) {
                break;
            }
            CrlRow row = crl(dir, "n" + size, caKey, clock, all.subList(0, size), opensslCa);
            crlRows.add(row);
            System.out.println(row);
        }
        write(results, point, largest, raws, databases, crlRows);
        token.provider().clear();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Token

    private static final Pattern SLOT = Pattern.compile("reassigned to slot (\\d+)");

    private static long initialiseToken(Path conf, String pin) throws Exception {
        Path tokens = Files.createDirectories(conf.toAbsolutePath().getParent().resolve("tokens"));
        try (var existing = Files.list(tokens)) {
            if (existing.findAny().isPresent()) {
                throw new IllegalStateException(tokens + " is not empty: give the benchmark a fresh SOFTHSM2_CONF directory");
            }
        }
        Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        String out = run(List.of("softhsm2-util", "--init-token", "--free", "--label", "gridauth-bench", "--pin", pin, "--so-pin",
                "so-" + pin), null);
        Matcher slot = SLOT.matcher(out);
        if (!slot.find()) {
            throw new IllegalStateException("softhsm2-util --init-token: " + out);
        }
        return Long.parseLong(slot.group(1));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Rates

    /** Throughput and latency of one timed point. */
    record RateResult(long successes, long errors, double seconds, long[] sortedLatencies, Cpu cpu) {
        double perSecond() {
            return successes / seconds;
        }

        double p50() {
            return percentile(sortedLatencies, 0.50);
        }

        double p99() {
            return percentile(sortedLatencies, 0.99);
        }

        /** Windows of one point taken together: counts, seconds, CPU and latencies summed. */
        static RateResult together(List<RateResult> windows) {
            long[] latencies = windows.stream().flatMapToLong(w -> Arrays.stream(w.sortedLatencies())).sorted().toArray();
            Cpu cpu = windows.stream().map(RateResult::cpu).reduce(Cpu::plus).orElseThrow();
            return new RateResult(windows.stream().mapToLong(RateResult::successes).sum(), windows.stream().mapToLong(RateResult::errors).sum(),
                    windows.stream().mapToDouble(RateResult::seconds).sum(), latencies, cpu);
        }

        /** This JVM's CPU time (every thread: GC, compiler, native token calls) per success, ms. */
        double jvmMsPerItem() {
            return cpu.jvmNanos() / 1e6 / successes;
        }

        /** CPU time of the whole machine (every core, every process, e.g. PostgreSQL's server) per success, ms. */
        double machineMsPerItem() {
            return cpu.machineBusyMs() / successes;
        }
    }

    /** RSA-2048 SHA256withRSA signatures of a 1 KiB to-be-signed block, {@code threads} threads, each with its own signer. */
    private static RateResult rawSignatures(CaKey caKey, Duration duration, int threads) throws Exception {
        byte[] tbs = new byte[1024];
        new Random(1).nextBytes(tbs);
        return timed(duration, (thread, deadline, latencies) -> {
            long n = 0;
            while (System.nanoTime() < deadline) {
                long start = System.nanoTime();
                ContentSigner signer = caKey.signer();
                try (OutputStream out = signer.getOutputStream()) {
                    out.write(tbs);
                }
                if (signer.getSignature().length != 256) {
                    throw new IllegalStateException("not an RSA-2048 signature");
                }
                latencies.add(System.nanoTime() - start);
                n++;
            }
            return new long[] {n, 0};
        }, threads);
    }

    /**
     * Client certificates issued through the RA link: THREADS RA client threads, each with its own HTTP client
     * (kept-alive mutual-TLS connection), one POST /v1/issue per certificate, pre-made CSRs (one shared client key,
     * a distinct HPCI-ID each, so the client's key generation is not measured).
     */
    private static DbResult issuances(Path dir, String db, CaKey caKey, Clock clock, double rawRate, Duration duration, Csrs csrs) throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        Credential ra = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=ra.example.org"),
                List.of("ra.example.org"));
        CaDatabase database = new CaDatabase(switch (db) {
            case "h2" -> h2(dir.resolve("issuance"));
            // A fresh schema, pooled as the CA pools its PostgreSQL connections; the server's settings as installed
            // (fsync on, synchronous_commit on): a commit returns after the WAL is on disk.
            case "postgres" -> org.gridauth.ca.store.CaDataSources.pooled(
                    org.gridauth.ca.store.CaDataSources.withCaSettings(org.gridauth.gsi.testing.TestDatabases.postgres()), "bench-postgres");
            default -> throw new IllegalArgumentException("CA_BENCH_DB: h2 or postgres, not " + db);
        });
        JdbcAuditTrail audit = new JdbcAuditTrail(database, clock);
        JdbcCertificateStore store = new JdbcCertificateStore(database, audit, clock);
        // Wired as CaRuntime wires it: RSA checks native where the library loads.
        IssuanceService issuance = new IssuanceService(caKey, policy(), store, audit, new CertificateMaker(clock, new java.security.SecureRandom(), RSA),
                new org.gridauth.ca.policy.CsrInspector(RSA));
        CrlService crls = new CrlService(caKey, store, new JdbcCrlStore(database, audit), CrlSchedule.defaults(),
                Files.createDirectories(dir.resolve("issuance-pub-" + db)), clock);
        RaLinkService service = new RaLinkService(issuance, new RevocationService(store, crls, audit, clock), crls, store,
                new JdbcRequestLog(database, clock), new RaCodec());
        try (RaLinkServer server = new RaLinkServer(new InetSocketAddress("127.0.0.1", 0), pki.host(), RaAuthorization.of(ra.certificate()),
                audit, service, 4, clock)) {
            URI issue = URI.create("https://localhost:" + server.port() + "/v1/issue");
            SSLContext tls = clientTls(ra, pki.ca().certificate());
            // Enough for the longest warm-up at a quarter of the raw rate (one certificate per request reaches less than
            // a fifth of it), then for the point itself.
            int warmUp = (int) Math.ceil(rawRate * 0.25 * WARM_UP_MAX.toSeconds() / THREADS);
            int perThread = (int) Math.min(3_000, Math.ceil(rawRate * duration.toSeconds() * 1.2 / THREADS) + 50);
            System.out.printf(Locale.ROOT, "making %d CSRs%n", THREADS * (perThread + warmUp));
            List<List<String>> bodies = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                List<String> pems = csrs.pems(perThread + warmUp, i -> "Bench User b" + thread + "x" + i);
                List<String> mine = new ArrayList<>(perThread + warmUp);
                for (int i = 0; i < perThread + warmUp; i++) {
                    mine.add(issueBody(String.format(Locale.ROOT, "bench-%s-%d-%08d", db, t, i), pems.get(i), "b" + t + "x" + i));
                }
                bodies.add(mine);
            }
            HttpClient[] clients = new HttpClient[THREADS];
            for (int t = 0; t < THREADS; t++) {
                clients[t] = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10)).build();
            }
            int[] next = new int[THREADS];
            // Each thread posts its next prepared body until the deadline or the index limit.
            IntFunction<Worker> linkUpTo = limit -> (t, deadline, latencies) -> {
                long ok = 0;
                long errors = 0;
                while (System.nanoTime() < deadline && next[t] < limit) {
                    long start = System.nanoTime();
                    boolean success;
                    try {
                        success = post(clients[t], issue, bodies.get(t).get(next[t]++));
                    } catch (IOException e) {
                        success = false;
                    }
                    if (success) {
                        latencies.add(System.nanoTime() - start);
                        ok++;
                    } else {
                        errors++;
                    }
                }
                return new long[] {ok, errors};
            };
            // Warm-up: the JIT, the TLS connections, the database pages.
            warmUp("one certificate per request", linkUpTo.apply(warmUp));
            Arrays.fill(next, warmUp);
            RateResult link = timed(duration, linkUpTo.apply(warmUp + perThread));
            // The same issuance without the link (no TLS, HTTP, JSON, idempotency log): IssuanceService called in-process.
            int directWarmUp = (int) Math.ceil(rawRate * 0.5 * WARM_UP_MAX.toSeconds() / THREADS);
            System.out.printf(Locale.ROOT, "making %d CSRs%n", THREADS * (perThread + directWarmUp));
            List<List<byte[]>> ders = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                ders.add(csrs.ders(perThread + directWarmUp, i -> "Direct User d" + thread + "x" + i));
            }
            int[] done = new int[THREADS];
            IntFunction<Worker> directUpTo = limit -> (t, deadline, latencies) -> {
                long ok = 0;
                while (System.nanoTime() < deadline && done[t] < limit) {
                    int i = done[t]++;
                    long start = System.nanoTime();
                    issuance.issue(new org.gridauth.ca.policy.IssueOrder(TestPki.ORGANISATION + "/CN=ra.example.org", "client", ders.get(t).get(i),
                            "d" + t + "x" + i, null));
                    latencies.add(System.nanoTime() - start);
                    ok++;
                }
                return new long[] {ok, 0};
            };
            warmUp("in-process issuance", directUpTo.apply(directWarmUp));
            Arrays.fill(done, directWarmUp);
            RateResult direct = timed(duration, directUpTo.apply(directWarmUp + perThread));
            PairedResult[] batched = new PairedResult[BATCH_SIZES.length];
            for (int b = 0; b < BATCH_SIZES.length; b++) {
                batched[b] = batches(clients, URI.create("https://localhost:" + server.port() + "/v1/issue-batch"), csrs, caKey, rawRate, duration,
                        BATCH_SIZES[b]);
            }
            return new DbResult(db, link, direct, batched);
        }
    }

    /**
     * Client certificates issued through POST /v1/issue-batch: THREADS RA client threads on the same kept-alive
     * connections, each posting batches of {@code batch} requests (distinct request IDs and HPCI-IDs); the rate
     * counts certificates received, the latencies are per batch. Measured in {@link #CYCLES} windows of half the
     * point's duration each, between raw-signature windows of the same length ({@link PairedResult}).
     */
    private static PairedResult batches(HttpClient[] clients, URI uri, Csrs csrs, CaKey caKey, double rawRate, Duration duration, int batch)
            throws Exception {
        Duration window = Duration.ofMillis(Math.max(5_000, duration.toMillis() / 2));
        // Enough batches for the longest warm-up at 60% of the raw rate, then for the windows.
        int warmUp = (int) Math.ceil(rawRate * 0.6 * WARM_UP_MAX.toSeconds() / THREADS / batch);
        int perThread = (int) Math.ceil(rawRate * window.toSeconds() * CYCLES * 1.1 / THREADS / batch) + warmUp;
        System.out.printf(Locale.ROOT, "making %d CSRs for batches of %d%n", THREADS * perThread * batch, batch);
        List<List<String>> bodies = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            List<String> pems = csrs.pems(perThread * batch, i -> "Batch User m" + batch + "t" + thread + "x" + i);
            String[] items = new String[perThread * batch];
            for (int i = 0; i < items.length; i++) {
                items[i] = issueBody(String.format(Locale.ROOT, "batch-%d-%d-%08d", batch, thread, i), pems.get(i), "m" + batch + "t" + thread + "x" + i);
            }
            List<String> mine = new ArrayList<>(perThread);
            for (int b = 0; b < perThread; b++) {
                mine.add("{\"requests\":[" + String.join(",", Arrays.asList(items).subList(b * batch, (b + 1) * batch)) + "]}");
            }
            bodies.add(mine);
        }
        int[] next = new int[THREADS];
        IntFunction<Worker> batchesUpTo = limit -> (t, deadline, latencies) -> {
            long ok = 0;
            long errors = 0;
            while (System.nanoTime() < deadline && next[t] < limit) {
                long start = System.nanoTime();
                int issued;
                try {
                    issued = postBatch(clients[t], uri, bodies.get(t).get(next[t]++), batch);
                } catch (IOException e) {
                    issued = 0;
                }
                latencies.add(System.nanoTime() - start);
                ok += issued;
                errors += batch - issued;
            }
            if (next[t] == bodies.get(t).size()) {
                System.err.println("client thread " + t + " ran out of prepared batches before the deadline");
            }
            return new long[] {ok, errors};
        };
        warmUp("batches of " + batch, batchesUpTo.apply(warmUp));
        Arrays.fill(next, warmUp);
        // Marks the measured windows in the output (a profiler can be attached for exactly this point).
        System.out.printf(Locale.ROOT, "measuring batches of %d from %s%n", batch, Instant.now());
        double[] raw = new double[CYCLES + 1];
        double[] issued = new double[CYCLES];
        List<RateResult> windows = new ArrayList<>();
        raw[0] = rawSignatures(caKey, window, THREADS).perSecond();
        for (int k = 0; k < CYCLES; k++) {
            RateResult w = timed(window, batchesUpTo.apply(perThread));
            windows.add(w);
            issued[k] = w.perSecond();
            raw[k + 1] = rawSignatures(caKey, window, THREADS).perSecond();
        }
        return new PairedResult(RateResult.together(windows), raw, issued);
    }

    /** The windows of a paired point: each issuance window's rate and its ratio to the raw windows around it. */
    private static String windows(PairedResult p) {
        StringBuilder s = new StringBuilder();
        double[] ratios = p.ratios();
        s.append(String.format(Locale.ROOT, "raw %.0f", p.raw()[0]));
        for (int k = 0; k < ratios.length; k++) {
            s.append(String.format(Locale.ROOT, ", issued %.0f (%.2f), raw %.0f", p.issued()[k], ratios[k], p.raw()[k + 1]));
        }
        return s.toString();
    }

    /** Posts one batch; returns how many certificates came back. */
    private static int postBatch(HttpClient client, URI uri, String body, int batch) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        int certificates = 0;
        for (int at = response.body().indexOf("BEGIN CERTIFICATE"); at >= 0; at = response.body().indexOf("BEGIN CERTIFICATE", at + 1)) {
            certificates++;
        }
        if (response.statusCode() != 200 || certificates != batch) {
            String text = response.body();
            System.err.println("batch: " + response.statusCode() + ", " + certificates + " certificates: " + text.substring(0, Math.min(600, text.length())));
        }
        return certificates;
    }

    private static boolean post(HttpClient client, URI uri, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !response.body().contains("BEGIN CERTIFICATE")) {
            System.err.println("issue failed: " + response.statusCode() + " " + response.body());
            return false;
        }
        return true;
    }

    private static String issueBody(String requestId, String csr, String hpciId) {
        return "{\"requestId\":\"" + requestId + "\",\"profile\":\"client\",\"csr\":\"" + csr.replace("\n", "\\n") + "\",\"hpciId\":\""
                + hpciId + "\"}";
    }

    private static byte[] csrDer(KeyPair key, String commonName) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(GridDn.fromOpenSsl(ORGANISATION + "/OU=Users/CN=" + commonName).toX500Name(),
                    key.getPublic()).build(Signers.software(key.getPrivate(), "SHA256withRSA")).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The RA clients' CSRs: one client key, a CSR per common name, made on all cores; the PEM ones are kept, so that
     * the RA-link points on the second database reuse the first's (the same names; each database issues them once).
     */
    static final class Csrs {
        private final KeyPair key = TestPki.newKey();
        private final ConcurrentHashMap<String, String> pems = new ConcurrentHashMap<>();

        /** PEM CSRs for the common names {@code name.apply(i)}, i = 0 .. n-1, in that order. */
        List<String> pems(int n, IntFunction<String> name) {
            String[] out = new String[n];
            IntStream.range(0, n).parallel().forEach(i -> out[i] = pems.computeIfAbsent(name.apply(i), cn -> csrPem(key, cn)));
            return Arrays.asList(out);
        }

        /** DER CSRs for the in-process point, made on all cores (not kept: each database's point makes its own). */
        List<byte[]> ders(int n, IntFunction<String> name) {
            byte[][] out = new byte[n][];
            IntStream.range(0, n).parallel().forEach(i -> out[i] = csrDer(key, name.apply(i)));
            return Arrays.asList(out);
        }
    }

    private static String csrPem(KeyPair key, String commonName) {
        byte[] der = csrDer(key, commonName);
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    private static CaPolicy policy() {
        return new CaPolicy(NamespacePolicy.below(CA_DN, ORGANISATION), CaPolicy.byName(CaProfile.defaults()),
                URI.create("http://ca.example.org/crl.der"), URI.create("http://ca.example.org/ocsp"), URI.create("http://ca.example.org/ca.der"),
                List.of("1.3.6.1.4.1.99999.3.1.1"));
    }

    private static SSLContext clientTls(Credential as, java.security.cert.X509Certificate trusted) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("me", as.privateKey(), new char[0], as.chain().toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    interface Worker {
        /** Runs until the deadline (System.nanoTime()); adds successful latencies in ns; returns {successes, errors}. */
        long[] run(int thread, long deadline, List<Long> latencies) throws Exception;
    }

    private static RateResult timed(Duration duration, Worker worker) throws Exception {
        return timed(duration, worker, THREADS);
    }

    private static RateResult timed(Duration duration, Worker worker, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<List<Long>> latencies = new ArrayList<>();
            List<Future<long[]>> futures = new ArrayList<>();
            Cpu.Mark cpuStart = Cpu.mark();
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            for (int t = 0; t < threads; t++) {
                List<Long> mine = new ArrayList<>();
                latencies.add(mine);
                int thread = t;
                futures.add(pool.submit(() -> worker.run(thread, deadline, mine)));
            }
            long ok = 0;
            long errors = 0;
            for (Future<long[]> f : futures) {
                long[] r = f.get(duration.toSeconds() + 120, TimeUnit.SECONDS);
                ok += r[0];
                errors += r[1];
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Cpu cpu = Cpu.since(cpuStart);
            long[] all = latencies.stream().flatMap(List::stream).mapToLong(Long::longValue).sorted().toArray();
            return new RateResult(ok, errors, seconds, all, cpu);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * CPU spent during one point: the JVM's (all its threads) and the machine's (busy time of all cores, from
     * /proc/stat), so that a point's cost per item can be compared with a raw signature's, and idle cores show.
     */
    record Cpu(long jvmNanos, double machineBusyMs, double machineMs, long jitMs) {

        double machineBusyFraction() {
            return machineMs == 0 ? 0 : machineBusyMs / machineMs;
        }

        Cpu plus(Cpu other) {
            return new Cpu(jvmNanos + other.jvmNanos, machineBusyMs + other.machineBusyMs, machineMs + other.machineMs, jitMs + other.jitMs);
        }

        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        /** USER_HZ: the unit of /proc/stat on Linux. */
        private static final double TICK_MS = 10.0;

        /** The counters at one moment: this JVM's CPU ns, the machine's busy and total ticks, the JIT's ms. */
        record Mark(long jvmNanos, long machineBusyTicks, long machineTicks, long jitMs) {
        }

        static Mark mark() throws IOException {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new Mark(OS.getProcessCpuTime(), total - idle, total, ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
        }

        static Cpu since(Mark start) throws IOException {
            Mark end = mark();
            long busy = end.machineBusyTicks() - start.machineBusyTicks();
            long total = end.machineTicks() - start.machineTicks();
            return new Cpu(end.jvmNanos() - start.jvmNanos(), busy * TICK_MS, total * TICK_MS, end.jitMs() - start.jitMs());
        }
    }

    /**
     * Runs a point's work in 5-s slices until two slices in a row (the second and third or later) each compiled for
     * less than QUIET_JIT_MS, the worker has nothing left, or WARM_UP_MAX has passed; says which. One quiet slice is
     * not enough: methods called once per batch (the request log's claim, the serial reservation, the batch body's
     * collection reader) loop 500 times per call and reach C2 in on-stack replacement only after a quiet spell.
     */
    private static void warmUp(String point, Worker worker) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        long previous = Long.MAX_VALUE;
        for (int slice = 1; ; slice++) {
            long compiledBefore = jit.getTotalCompilationTime();
            RateResult done = timed(Duration.ofSeconds(5), worker);
            long compiled = jit.getTotalCompilationTime() - compiledBefore;
            long seconds = Math.round((System.nanoTime() - start) / 1e9);
            boolean quiet = slice >= 3 && compiled < QUIET_JIT_MS && previous < QUIET_JIT_MS;
            previous = slice >= 2 ? compiled : Long.MAX_VALUE;
            if (quiet) {
                System.out.printf(Locale.ROOT, "warm-up of %s: the JIT is quiet after %d s (%d ms compiling in the last 5 s)%n", point, seconds, compiled);
                return;
            }
            if (done.successes() == 0 || System.nanoTime() - start >= WARM_UP_MAX.toNanos()) {
                System.out.printf(Locale.ROOT, "warm-up of %s: ended after %d s with the JIT still compiling (%d ms in the last 5 s)%n", point, seconds,
                        compiled);
                return;
            }
        }
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e6;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // CRLs

    /**
     * One CRL size: gridauth's {@code CrlService.issueNow} over a database holding {@code entries.size()} revoked
     * certificates, its parts timed again separately (database read, CrlMaker build + token signature), and
     * {@code openssl ca -gencrl} over an index.txt with the same serials, dates and reasons.
     */
    record CrlRow(int entries, double loadSeconds, double gridauthSeconds, double readSeconds, double makeSeconds, long gridauthBytes,
                  double opensslSeconds, long opensslBytes, int opensslEntries) {
        double ratio() {
            return gridauthSeconds / opensslSeconds;
        }
    }

    private static CrlRow crl(Path dir, String name, CaKey caKey, Clock clock, List<RevokedEntry> entries, Path opensslCa) throws Exception {
        long loadStart = System.nanoTime();
        javax.sql.DataSource source = h2(dir.resolve("crl-" + name));
        CaDatabase database = new CaDatabase(source);
        JdbcAuditTrail audit = new JdbcAuditTrail(database, clock);
        JdbcCertificateStore store = new JdbcCertificateStore(database, audit, clock);
        fill(source, entries);
        double load = (System.nanoTime() - loadStart) / 1e9;
        Path pub = Files.createDirectories(dir.resolve("crl-pub-" + name));
        CrlService crls = new CrlService(caKey, store, new JdbcCrlStore(database, audit), CrlSchedule.defaults(), pub, clock);
        System.gc();
        long start = System.nanoTime();
        CrlService.PublishedCrl crl = crls.issueNow("benchmark", "benchmark");
        double gridauth = (System.nanoTime() - start) / 1e9;
        if (crl.revokedCount() != entries.size()) {
            throw new IllegalStateException("gridauth CRL lists " + crl.revokedCount() + " of " + entries.size());
        }
        long gridauthBytes = Files.size(pub.resolve("crl.pem"));
        if (opensslCa == null) {
            return null;
        }
        // Outside the timing: the published PEM parses and lists every entry.
        int parsed = countEntries(pub.resolve("crl.pem"));
        if (parsed != entries.size()) {
            throw new IllegalStateException("the published gridauth CRL parses to " + parsed + " of " + entries.size() + " entries");
        }
        // Where the time goes: the two big steps again, alone.
        System.gc();
        long readStart = System.nanoTime();
        long[] rows = {0};
        store.forEachRevoked((serial, at, reason) -> rows[0]++);
        double readSeconds = (System.nanoTime() - readStart) / 1e9;
        long makeStart = System.nanoTime();
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        org.gridauth.ca.crl.StreamingCrl streaming = new org.gridauth.ca.crl.StreamingCrl();
        for (RevokedEntry e : entries) {
            streaming.add(e.serial(), e.revoked(), e.reason());
        }
        streaming.sign(caKey.certificate(), caKey.signer(), BigInteger.valueOf(1_000_000), now, now.plus(Duration.ofDays(30)));
        double makeSeconds = (System.nanoTime() - makeStart) / 1e9;

        writeIndex(opensslCa.resolve("index.txt"), entries, clock.instant());
        Files.writeString(opensslCa.resolve("crlnumber"), "01\n");
        Path out = opensslCa.resolve("crl-" + name + ".pem");
        long osslStart = System.nanoTime();
        run(List.of("openssl", "ca", "-batch", "-config", opensslCa.resolve("openssl.cnf").toString(), "-gencrl", "-out", out.toString()), null);
        double openssl = (System.nanoTime() - osslStart) / 1e9;
        int opensslEntries = countEntries(out);
        return new CrlRow(entries.size(), load, gridauth, readSeconds, makeSeconds, gridauthBytes, openssl, Files.size(out), opensslEntries);
    }

    /** Revoked entries the way the CA stores them: random 72-bit serials, revocation in the past year, a mix of reasons. */
    private static List<RevokedEntry> entries(int count, Instant now) {
        Random random = new Random(42);
        Set<BigInteger> seen = new HashSet<>(count * 2);
        int[] reasons = {0, 1, 3, 4, 5};
        long base = now.getEpochSecond();
        List<RevokedEntry> out = new ArrayList<>(count);
        while (out.size() < count) {
            BigInteger serial = new BigInteger(72, random).setBit(64);
            if (seen.add(serial)) {
                out.add(new RevokedEntry(serial, Instant.ofEpochSecond(base - 60 - random.nextInt(365 * 86_400)), reasons[out.size() % reasons.length]));
            }
        }
        return out;
    }

    private static void fill(javax.sql.DataSource source, List<RevokedEntry> entries) throws Exception {
        try (Connection connection = source.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ca_certificate (serial, profile, subject_dn, hpci_id, status, "
                    + "requested_at, issued_at, revoked_at, revocation_reason) VALUES (?, 'client', ?, ?, 'REVOKED', ?, ?, ?, ?)")) {
                int i = 0;
                for (RevokedEntry e : entries) {
                    insert.setString(1, JdbcCertificateStore.hex(e.serial()));
                    insert.setString(2, ORGANISATION + "/OU=Users/CN=Bench User u" + i);
                    insert.setString(3, "u" + i);
                    long revoked = e.revoked().toEpochMilli();
                    insert.setLong(4, revoked - 86_400_000L);
                    insert.setLong(5, revoked - 86_400_000L);
                    insert.setLong(6, revoked);
                    insert.setInt(7, e.reason());
                    insert.addBatch();
                    if (++i % 10_000 == 0) {
                        insert.executeBatch();
                        connection.commit();
                    }
                }
                insert.executeBatch();
                connection.commit();
            }
        }
    }

    private static final DateTimeFormatter ASN1_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String[] REASON_NAMES = {"unspecified", "keyCompromise", "CACompromise", "affiliationChanged", "superseded",
        "cessationOfOperation"};

    /** openssl ca's database: one "R" line per revoked certificate (reason 0 written without a reason, as gridauth omits it). */
    private static void writeIndex(Path index, List<RevokedEntry> entries, Instant now) throws IOException {
        String expiry = ASN1_TIME.format(LocalDate.ofInstant(now, ZoneOffset.UTC).plusYears(1).atStartOfDay(ZoneOffset.UTC));
        StringBuilder text = new StringBuilder(entries.size() * 90);
        int i = 0;
        for (RevokedEntry e : entries) {
            String serial = e.serial().toString(16).toUpperCase(Locale.ROOT);
            if (serial.length() % 2 == 1) {
                serial = "0" + serial;
            }
            text.append("R\t").append(expiry).append('\t').append(ASN1_TIME.format(e.revoked()));
            if (e.reason() != 0) {
                text.append(',').append(REASON_NAMES[e.reason()]);
            }
            text.append('\t').append(serial).append("\tunknown\t").append(ORGANISATION).append("/OU=Users/CN=Bench User u").append(i++).append('\n');
        }
        Files.writeString(index, text, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    /** A software-key openssl CA directory (RSA-2048, SHA-256, 30-day CRLs with CRL number and AKI, as gridauth's). */
    private static Path opensslCa(Path ca) throws Exception {
        Files.createDirectories(ca.resolve("newcerts"));
        Files.writeString(ca.resolve("index.txt.attr"), "unique_subject = no\n");
        Files.writeString(ca.resolve("serial"), "01\n");
        Files.writeString(ca.resolve("openssl.cnf"), """
                [ ca ]
                default_ca = bench
                [ bench ]
                dir = %s
                database = $dir/index.txt
                new_certs_dir = $dir/newcerts
                certificate = $dir/ca.pem
                private_key = $dir/ca.key
                serial = $dir/serial
                crlnumber = $dir/crlnumber
                default_md = sha256
                default_crl_days = 30
                unique_subject = no
                crl_extensions = crl_ext
                [ crl_ext ]
                authorityKeyIdentifier = keyid:always
                [ req ]
                distinguished_name = dn
                x509_extensions = v3_ca
                [ dn ]
                [ v3_ca ]
                basicConstraints = critical, CA:true
                keyUsage = critical, keyCertSign, cRLSign
                subjectKeyIdentifier = hash
                """.formatted(ca));
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca.resolve("ca.key").toString(), "-out",
                ca.resolve("ca.pem").toString(), "-days", "3650", "-subj", ORGANISATION + "/CN=OpenSSL Bench CA", "-config",
                ca.resolve("openssl.cnf").toString()), null);
        return ca;
    }

    /** Entries in a PEM CRL, counted by parsing it (a check that openssl listed every revocation). */
    private static int countEntries(Path pem) throws Exception {
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(pem), 1 << 20)) {
            java.security.cert.X509CRL crl = (java.security.cert.X509CRL) java.security.cert.CertificateFactory.getInstance("X.509").generateCRL(in);
            return crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static javax.sql.DataSource h2(Path file) {
        // As the CA daemon opens its H2 database: commits written through, connections pooled.
        return org.gridauth.ca.store.CaDataSources.pooled(org.gridauth.ca.store.CaDataSources.h2File(file), "bench-" + file.getFileName());
    }

    private static String run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (env != null) {
            builder.environment().putAll(env);
        }
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static void write(Path results, Duration point, int largest, List<RateResult> raws, List<DbResult> databases,
                              List<CrlRow> rows) throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("\n## CA: SoftHSM2 signatures vs RA-link issuances (single and batched; ").append(DATABASES).append(")")
                .append(rows.isEmpty() ? "" : "; CRLs vs openssl ca -gencrl").append(" (").append(LocalDate.now(ZoneOffset.UTC)).append(")\n\n");
        s.append("Command: `flock /tmp/gridauth-build.lock benchmarks/run-ca-benchmark.sh ").append(point.toSeconds()).append(' ').append(largest)
                .append("`").append(BATCHES.equals("100,500") ? "" : " with CA_BENCH_BATCH=" + BATCHES)
                .append(DATABASES.equals("h2,postgres") ? "" : " CA_BENCH_DB=" + DATABASES)
                .append(" (").append(point.toSeconds()).append(" s per rate point (batch points: ").append(CYCLES).append(" windows of ")
                .append(Math.max(5, point.toSeconds() / 2)).append(" s between raw windows, below) after a warm-up that runs the point's own work until the JIT has compiled for "
                        + "less than ").append(QUIET_JIT_MS).append(" ms in each of two 5-s slices in a row (at most ").append(WARM_UP_MAX.toSeconds())
                .append(" s; the last column shows the JIT's time during each point); "
                        + "everything in one JVM on this 2-core machine: SoftHSM2 token, RA link server and the 2 RA client threads, "
                        + "so the client's TLS, HTTP and JSON work is paid from the same 2 cores; one token, key made by the key ceremony; "
                        + "RSA signatures checked with " + RSA.description() + "; "
                        + "H2 file database opened as the CA opens it (pooled connections, every commit written through to the "
                        + "operating system before the call returns, no fsync); PostgreSQL 15 at 127.0.0.1:5432 as installed "
                        + "(fsync and synchronous_commit on), a fresh schema, pooled. Raw signatures measured with 2 and with 4 threads "
                        + "(the CA signs a batch on the request's thread and a worker per core, two batches at a time), before and "
                        + "after the issuance points).\n\n");
        double rawBest = raws.stream().mapToDouble(RateResult::perSecond).max().orElseThrow();
        s.append("| measurement | threads | rate /s | errors | p50 / p99 ms | CPU ms per item: this JVM / machine (machine busy); JIT compiling during the point |\n|---|---|---|---|---|---|\n");
        String[] rawNames = {"before", "before", "after", "after"};
        int[] rawThreads = {THREADS, 2 * THREADS, THREADS, 2 * THREADS};
        for (int i = 0; i < raws.size(); i++) {
            RateResult raw = raws.get(i);
            s.append(String.format(Locale.ROOT, "| raw RSA-2048 signatures (SunPKCS11, CaKey signer: one session per thread, cached key handle), %s | %d | %.1f | 0 | %.2f / %.2f | %s |%n",
                    rawNames[i], rawThreads[i], raw.perSecond(), raw.p50(), raw.p99(), cpu(raw)));
        }
        for (DbResult db : databases) {
            s.append(String.format(Locale.ROOT, "| %s: RA->CA issuances (POST /v1/issue over mutual TLS, keep-alive; policy, database commit, audit record) | %d | %.1f | %d | %.2f / %.2f | %s |%n",
                    db.name(), THREADS, db.single().perSecond(), db.single().errors(), db.single().p50(), db.single().p99(), cpu(db.single())));
            s.append(String.format(Locale.ROOT, "| %s: the same issuances in-process (IssuanceService.issue: policy, database commit, audit record; no TLS, HTTP, JSON) | %d | %.1f | %d | %.2f / %.2f | %s |%n",
                    db.name(), THREADS, db.direct().perSecond(), db.direct().errors(), db.direct().p50(), db.direct().p99(), cpu(db.direct())));
            for (int b = 0; b < BATCH_SIZES.length; b++) {
                s.append(String.format(Locale.ROOT, "| %s: RA->CA issuances in batches (POST /v1/issue-batch, %d per request; rate = certificates/s, latency per batch) | %d | %.1f | %d | %.2f / %.2f | %s |%n",
                        db.name(), BATCH_SIZES[b], THREADS, db.batched()[b].issuance().perSecond(), db.batched()[b].issuance().errors(),
                        db.batched()[b].issuance().p50(), db.batched()[b].issuance().p99(), cpu(db.batched()[b].issuance())));
            }
        }
        s.append(String.format(Locale.ROOT, "%nBatch points window by window: %d issuance windows of %d s, each between two windows of raw "
                + "signatures (2 threads, same length); ratio = the issuance window's rate / the mean of the raw windows on either side.%n%n",
                CYCLES, Math.max(5, point.toSeconds() / 2)));
        s.append("| point | raw, issued (ratio), raw, ... certificates or signatures /s | ratio: median of the windows | all issuance windows / all raw windows |\n|---|---|---|---|\n");
        for (DbResult db : databases) {
            for (int b = 0; b < BATCH_SIZES.length; b++) {
                PairedResult p = db.batched()[b];
                s.append(String.format(Locale.ROOT, "| %s, batches of %d | %s | **%.2f** | %.2f |%n", db.name(), BATCH_SIZES[b], windows(p), p.medianRatio(),
                        p.pooledRatio()));
            }
        }
        s.append(String.format(Locale.ROOT, "%nIssuances / raw signatures (target >= 0.7). Batches, against the raw windows around them (median): "));
        for (DbResult db : databases) {
            s.append(db.name()).append(':');
            for (int b = 0; b < BATCH_SIZES.length; b++) {
                s.append(String.format(Locale.ROOT, " %d per request **%.2f**;", BATCH_SIZES[b], db.batched()[b].medianRatio()));
            }
            s.append(' ');
        }
        s.append(String.format(Locale.ROOT, "against the highest of the four raw points above (%.1f/s):", rawBest));
        for (DbResult db : databases) {
            s.append(String.format(Locale.ROOT, " %s: one per request **%.2f**", db.name(), db.single().perSecond() / rawBest));
            for (int b = 0; b < BATCH_SIZES.length; b++) {
                s.append(String.format(Locale.ROOT, ", in batches of %d %.2f", BATCH_SIZES[b], db.batched()[b].issuance().perSecond() / rawBest));
            }
            s.append(String.format(Locale.ROOT, ", in-process one at a time %.2f;", db.direct().perSecond() / rawBest));
        }
        s.append("\n\n");
        if (rows.isEmpty()) {
            append(results, s);
            return;
        }
        s.append("CRL generation, same revoked serials (random 72-bit), dates and reasons on both sides. gridauth = `CrlService.issueNow` "
                + "(stream the revoked rows from H2 into StreamingCrl's DER encoder, sign the TBS with the SoftHSM2 key, write DER + PEM "
                + "(+ hash.r0 hard link) in one pass and fsync them, record number, dates, count and SHA-256 with the audit record, rename "
                + "into place); openssl = `openssl ca -gencrl` with a software RSA-2048 key over an index.txt of the same entries "
                + "(process wall time: reading index.txt, building, signing, writing PEM). Both CRLs were parsed afterwards (outside the "
                + "timing) and list every entry. The last columns time gridauth's two big steps again on their own: the database read alone, "
                + "and encoding + token signature from entries in memory.\n\n");
        s.append("| revoked | gridauth s | openssl s | ratio | gridauth PEM bytes | openssl PEM bytes (entries) | gridauth: DB read s | gridauth: encode + sign s |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (CrlRow r : rows) {
            s.append(String.format(Locale.ROOT, "| %,d | %.2f | %.2f | **%.2f** | %,d | %,d (%,d) | %.2f | %.2f |%n", r.entries(), r.gridauthSeconds(),
                    r.opensslSeconds(), r.ratio(), r.gridauthBytes(), r.opensslBytes(), r.opensslEntries(), r.readSeconds(), r.makeSeconds()));
        }
        append(results, s);
    }

    private static String cpu(RateResult r) {
        return String.format(Locale.ROOT, "%.3f / %.3f (%.0f%%); JIT %,d ms", r.jvmMsPerItem(), r.machineMsPerItem(), 100 * r.cpu().machineBusyFraction(),
                r.cpu().jitMs());
    }

    /** Appends the section: earlier runs' sections stay as they were written. */
    private static void append(Path results, StringBuilder s) throws IOException {
        Files.writeString(results, s, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        System.out.print(s);
    }
}
