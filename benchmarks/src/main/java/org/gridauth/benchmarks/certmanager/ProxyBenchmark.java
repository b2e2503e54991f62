package org.gridauth.benchmarks.certmanager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.gridauth.certmanager.policy.PassphraseRule;
import org.gridauth.certmanager.policy.ProxyLifetimePolicy;
import org.gridauth.certmanager.protocol.PortalMessages;
import org.gridauth.certmanager.service.AttributeAuthority;
import org.gridauth.certmanager.service.KeyVault;
import org.gridauth.certmanager.service.MyProxyTarget;
import org.gridauth.certmanager.service.ProxyService;
import org.gridauth.certmanager.store.Account;
import org.gridauth.certmanager.store.CmDatabase;
import org.gridauth.certmanager.store.CredentialRecord;
import org.gridauth.certmanager.store.CredentialStatus;
import org.gridauth.certmanager.store.JdbcAuditLog;
import org.gridauth.certmanager.store.JdbcCredentialStore;
import org.gridauth.certmanager.store.Location;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.proxy.DelegationRequest;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.myproxy.client.MyProxyClient;

/**
 * Issue #6 performance: proxies made per second from stored credentials against raw RSA-2048 signatures per second
 * on the same machine, same run, 2 threads. Measured steps: raw signatures; unlocking a stored key (PBKDF2 with
 * 100,000 iterations + AES); signing a delegation request (what a MyProxy PUT costs the certificate manager:
 * unlock + one signature); the whole portal proxy request for download (unlock, fresh RSA key, sign, audit record),
 * with and without a VOMS AC.
 */
public final class ProxyBenchmark {

    private static final int THREADS = 2;
    private static final String PASS = "benchmark passphrase 1";

    private ProxyBenchmark() {
    }

    /** A measured rate. */
    record Rate(String name, double perSecond, double p50Ms, double p99Ms) {
    }

    interface Op {
        void run(int thread, long i) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args.length > 0 ? args[0] : "benchmarks/RESULTS.md");
        Duration duration = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 15);
        Path dir = Files.createTempDirectory("cm-proxy-bench");
        Clock clock = Clock.systemUTC();
        TestPki pki = TestPki.create(dir.resolve("pki"));
        Credential user = pki.issue(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/OU=Users/CN=Bench User HPCI1"), List.of());
        Credential aa = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=voms.example.org"),
                List.of("voms.example.org"));
        KeyVault vault = new KeyVault();
        String sealed = vault.seal(user.privateKey(), PASS.toCharArray());
        CmDatabase database = new CmDatabase(CmDatabase.h2File(dir.resolve("cm")));
        JdbcCredentialStore store = new JdbcCredentialStore(database, clock);
        store.ensureAccount(new Account("HPCI1", "hpci1", "bench@example.ac.jp", null));
        store.recordIssued(new CredentialRecord("01", "HPCI1", user.subject().toOpenSsl(), "Bench User HPCI1", Pem.encode(user.certificate()), sealed,
                Location.STORE, null, CredentialStatus.VALID, user.certificate().getNotBefore().toInstant(),
                user.certificate().getNotAfter().toInstant(), Instant.now(), null, null, 0));
        ProxyMaker maker = new ProxyMaker(clock);
        ChainValidator validator = ChainValidator.strict(pki.trustDir());
        ProxyService service = new ProxyService(store, new JdbcAuditLog(database, clock), vault, maker, ProxyLifetimePolicy.defaults(),
                new PassphraseRule(8), hpci -> List.of("/hpci", "/hpci/proj"), Optional.of(new AttributeAuthority(aa, "voms.example.org", 15000, clock)),
                new MyProxyTarget("localhost", 7512, new MyProxyClient(validator, Duration.ofSeconds(5))),
                org.gridauth.certmanager.store.JdbcPassphraseGuard.defaults(database, clock), clock);

        byte[] tbs = new byte[600];
        new SecureRandom().nextBytes(tbs);
        List<PKCS10CertificationRequest> csrs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            csrs.add(DelegationRequest.generate(2048, new SecureRandom()).request());
        }
        List<Rate> rates = new ArrayList<>();
        System.out.println("warming up");
        measure("warm-up", Duration.ofSeconds(5), (t, i) -> service.make("bench", request(null)));
        rates.add(measure("raw RSA-2048 signatures (SHA256withRSA, JCA)", duration, (t, i) -> {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(user.privateKey());
            s.update(tbs);
            s.sign();
        }));
        rates.add(measure("unlock a stored key (PBKDF2-HMAC-SHA256 100,000 iterations + AES-256)", duration,
                (t, i) -> vault.open(sealed, PASS.toCharArray(), user.certificate(), "hpci1")));
        rates.add(measure("sign a delegation request (MyProxy PUT: unlock + sign)", duration, (t, i) -> {
            Credential unlocked = new Credential(vault.open(sealed, PASS.toCharArray(), user.certificate(), "hpci1"), user.chain());
            maker.sign(unlocked, csrs.get((int) (i % csrs.size())), ProxyRequest.impersonation(Duration.ofHours(12)), 2048);
        }));
        rates.add(measure("proxy for download (unlock + new RSA-2048 key + sign + audit)", duration, (t, i) -> service.make("bench", request(null))));
        rates.add(measure("proxy for download with a VOMS AC (+ AC signature)", duration, (t, i) -> service.make("bench", request("hpci"))));
        rates.add(measure("RSA-2048 key generation alone", duration, (t, i) -> KeyPairs.rsa(2048, new SecureRandom())));
        validator.close();
        write(results, rates, duration);
    }

    private static PortalMessages.ProxyRequest request(String vo) {
        return new PortalMessages.ProxyRequest("HPCI1", "bench@example.ac.jp", PASS.toCharArray(), null, null, 12, vo, vo == null ? null : "proj", null,
                "DOWNLOAD", null);
    }

    private static Rate measure(String name, Duration duration, Op op) throws Exception {
        long deadline = System.nanoTime() + duration.toNanos();
        AtomicLong done = new AtomicLong();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        Exception[] failure = new Exception[1];
        long start = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                long i = 0;
                List<Long> mine = new ArrayList<>();
                try {
                    while (System.nanoTime() < deadline) {
                        long s = System.nanoTime();
                        op.run(thread, i++);
                        mine.add(System.nanoTime() - s);
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    failure[0] = e;
                }
                latencies.addAll(mine);
            });
            threads.add(worker);
            worker.start();
        }
        for (Thread worker : threads) {
            worker.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        Rate rate = new Rate(name, done.get() / seconds, sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2) / 1e6,
                sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))) / 1e6);
        System.out.printf(Locale.ROOT, "%-75s %10.1f/s  p50 %.2f ms  p99 %.2f ms%n", name, rate.perSecond(), rate.p50Ms(), rate.p99Ms());
        return rate;
    }

    private static void write(Path results, List<Rate> rates, Duration duration) throws IOException {
        double raw = rates.get(0).perSecond();
        StringBuilder section = new StringBuilder();
        section.append("## cert-manager proxies: stored credential to proxy vs raw RSA-2048 signatures (").append(java.time.LocalDate.now()).append(")\n\n");
        section.append("Command: `benchmarks/run-certmanager-proxy-benchmark.sh ").append(duration.toSeconds())
                .append("` (").append(THREADS).append(" threads, ").append(duration.toSeconds())
                .append(" s per row after a 5 s warm-up, one JVM, H2 file database; `ProxyService.make` is the code behind POST /v1/proxies).\n\n");
        section.append("| measurement | rate /s | p50 / p99 ms | ratio to raw signatures |\n|---|---|---|---|\n");
        for (Rate r : rates) {
            section.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f / %.2f | %.4f |%n", r.name(), r.perSecond(), r.p50Ms(), r.p99Ms(), r.perSecond() / raw));
        }
        section.append("\n");
        String text = Files.exists(results) ? Files.readString(results, StandardCharsets.UTF_8) : "# gridauth benchmark results\n\n";
        String marker = "## cert-manager proxies:";
        int begin = text.indexOf(marker);
        if (begin >= 0) {
            int end = text.indexOf("\n## ", begin + marker.length());
            text = text.substring(0, begin) + section + (end < 0 ? "" : text.substring(end + 1));
        } else {
            text = text + (text.endsWith("\n\n") ? "" : "\n") + section;
        }
        Files.writeString(results, text, StandardCharsets.UTF_8);
    }
}
