package org.gridauth.ra.load;

import java.net.URI;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.gridauth.certmanager.client.CaLinkClient;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.ra.testing.Testbed;
import org.gridauth.ra.testing.WebClient;
import org.gridauth.ra.testing.WebClient.Page;

/**
 * Load driver (issue #7, R-RA-10): {@code users} distinct researchers, {@code clients} at a time, each going the whole
 * way in a fresh browser session: sign-on (discovery service, IdP login, SAML), license ID, CN confirmation,
 * issuance with the key made by the certificate manager (RSA 2048) kept in its store, home page. All services (IdP,
 * portal, certificate manager, CA, MyProxy) and the driver share this machine's CPUs.
 *
 * <p>Reports issuances per minute, p50/p99 of the issuing request and of the non-issuing pages, and the time split of
 * an issuance: key generation and the CA round trip are timed alone at the same concurrency right after the run
 * (RSA-2048 generation; RA-link /v1/issue of a ready CSR); the remainder is the portal, the certificate manager's
 * storage and the TLS hops.
 *
 * <p>Run: {@code benchmarks/run-portal-benchmark.sh [users] [clients]}.
 */
public final class PortalLoadDriver {

    private PortalLoadDriver() {
    }

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        Testbed testbed = Testbed.start(users + 20);
        // Warm-up: the first sign-ons and issuances load classes and fill TLS session caches.
        for (int i = 0; i < 10; i++) {
            flow(testbed, users + 1 + i, new ArrayList<>(), new ArrayList<>());
        }
        int poolTarget = Math.min(Integer.getInteger("gridauth.bench.key-pool", 0), users);
        if (poolTarget > 0) {
            // The burst variant: keys made ahead in idle time (cert-manager key.pool), as between bursts in production.
            long fill = System.nanoTime();
            while (testbed.peers.keyPool.available() < poolTarget) {
                Thread.sleep(200);
            }
            System.out.printf("ra-portal load: key pool holds %d keys after %.1f s%n", testbed.peers.keyPool.available(), (System.nanoTime() - fill) / 1e9);
        }
        List<Long> issuing = Collections.synchronizedList(new ArrayList<>());
        List<Long> pages = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger(1);
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            running.add(pool.submit(() -> {
                int n;
                while ((n = next.getAndIncrement()) <= users) {
                    try {
                        flow(testbed, n, issuing, pages);
                    } catch (RuntimeException | AssertionError e) {
                        if (failures.incrementAndGet() <= 3) {
                            System.err.println("user " + n + ": " + e);
                        }
                    }
                }
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int issued = users - failures.get();
        double keyMs = timeKeyGeneration(clients);
        double caMs = timeCaRoundTrip(testbed, clients);
        double issueP50 = percentile(issuing, 50);
        System.out.printf("ra-portal load: %d users, %d clients, %.1f s: %.0f issuances/min, %d failures;"
                        + " issuing request p50 %.0f ms p99 %.0f ms; non-issuing pages (%d) p50 %.1f ms p99 %.1f ms;"
                        + " split at %d concurrent: key generation %.0f ms, CA round trip %.0f ms, rest (portal, certificate manager store, TLS) %.0f ms%n",
                users, clients, seconds, issued / seconds * 60, failures.get(), issueP50, percentile(issuing, 99), pages.size(),
                percentile(pages, 50), percentile(pages, 99), clients, keyMs, caMs, Math.max(0, issueP50 - keyMs - caMs));
        pool.shutdown();
        System.exit(0);
    }

    static void flow(Testbed testbed, int n, List<Long> issuing, List<Long> pages) {
        WebClient browser = testbed.browser();
        String user = "load%05d".formatted(n);
        Page login = timed(pages, () -> browser.get("/login"));
        Page ds = browser.follow(browser.get(login.href("sign-in")));
        Page back = browser.follow(browser.chooseIdp(ds, testbed.idpEntityId()));
        Page home = browser.follow(browser.idpLogin(back, user, Testbed.LOAD_PASSWORD));
        check(home, "home");
        Page licensePage = timed(pages, () -> browser.get("/license"));
        Page license = timed(pages, () -> browser.submit(licensePage, "/license", Map.of()));
        check(license, "license");
        Page form = timed(pages, () -> browser.get("/certificate"));
        Page confirm = timed(pages, () -> browser.submit(form, "/certificate/check", Map.of("licenseId", license.text("license-id"), "destination",
                "STORE")));
        check(confirm, "confirm");
        String pass = "load passphrase " + n + " ok";
        Page issued = timed(issuing, () -> browser.submit(confirm, "/certificate/issue", Map.of("confirmCn", "yes", "passphrase", pass,
                "passphraseConfirm", pass)));
        check(issued, "issue");
        check(timed(pages, () -> browser.get("/")), "home after");
    }

    static void check(Page page, String step) {
        if (page.status() != 200) {
            throw new IllegalStateException(step + ": HTTP " + page.status() + " " + page.text("problem"));
        }
    }

    static Page timed(List<Long> into, java.util.function.Supplier<Page> step) {
        long t0 = System.nanoTime();
        Page page = step.get();
        into.add(System.nanoTime() - t0);
        return page;
    }

    static double timeKeyGeneration(int clients) throws Exception {
        List<Long> times = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(clients, 6, () -> {
            long t0 = System.nanoTime();
            KeyPairs.rsa(2048, new SecureRandom());
            times.add(System.nanoTime() - t0);
        });
        return percentile(times, 50);
    }

    static double timeCaRoundTrip(Testbed testbed, int clients) throws Exception {
        CaLinkClient ca = new CaLinkClient(URI.create(testbed.peers.caUrl()), testbed.peers.ra, List.of(testbed.peers.pki.ca().certificate()),
                Duration.ofSeconds(60));
        List<String> csrs = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < clients * 6; i++) {
            KeyPair key = KeyPairs.rsa(2048, new SecureRandom());
            csrs.add(Pem.encode(new JcaPKCS10CertificationRequestBuilder(GridDn.fromOpenSsl(TestPki.ORGANISATION + "/OU=Users/CN=Split User hpci8"
                    + "%05d".formatted(i)).toX500Name(), key.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate()))));
        }
        AtomicInteger next = new AtomicInteger();
        List<Long> times = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(clients, 6, () -> {
            int i = next.getAndIncrement();
            long t0 = System.nanoTime();
            ca.issue("split-" + i + "-" + System.nanoTime(), "client", csrs.get(i), "hpci8" + "%05d".formatted(i), null);
            times.add(System.nanoTime() - t0);
        });
        return percentile(times, 50);
    }

    static void runConcurrently(int clients, int each, Runnable task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> all = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            all.add(pool.submit(() -> {
                for (int i = 0; i < each; i++) {
                    task.run();
                }
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
    }

    static double percentile(List<Long> nanos, int p) {
        List<Long> sorted = new ArrayList<>(nanos);
        if (sorted.isEmpty()) {
            return 0;
        }
        Collections.sort(sorted);
        int index = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1e6;
    }
}
