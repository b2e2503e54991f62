package org.gridauth.ca.service;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

import org.gridauth.ca.CaError;
import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ca.audit.AuditTrail;
import org.gridauth.ca.policy.CaPolicy;
import org.gridauth.ca.policy.CsrInspector;
import org.gridauth.ca.policy.InspectedCsr;
import org.gridauth.ca.policy.IssuanceDecision;
import org.gridauth.ca.policy.IssuancePolicy;
import org.gridauth.ca.policy.IssueOrder;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.token.CaKey;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.IssuanceRequest;
import org.gridauth.gsi.profile.SignedCertificate;
import org.gridauth.gsi.profile.TbsCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issuance as named steps: Inspect the CSR → Decide by policy → Reserve a serial (PENDING row; R-CA-4 checked by
 * the database) → Sign with the CA key → Record the certificate, its audit record and (for the RA link) the answer to
 * its request ID in one transaction. A refusal
 * is audited and nothing is reserved; a failure after the reservation abandons the serial, which is never reused.
 */
public final class IssuanceService {

    private static final Logger LOG = LoggerFactory.getLogger(IssuanceService.class);
    private static final int SERIAL_ATTEMPTS = 5;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    /**
     * Threads that decide and sign a batch's certificates beside the request's own thread (one token session each).
     * They end after a minute without batches, so a service that is dropped (a test, a one-off command) leaves no
     * threads behind and needs no closing.
     */
    private final ExecutorService batchWorkers = batchWorkers();

    private final CaKey caKey;
    private final CaPolicy caPolicy;
    private final IssuancePolicy policy;
    private final CsrInspector inspector;
    private final JdbcCertificateStore store;
    private final AuditTrail audit;
    private final CertificateMaker maker;

    public IssuanceService(CaKey caKey, CaPolicy caPolicy, JdbcCertificateStore store, AuditTrail audit, CertificateMaker maker) {
        this(caKey, caPolicy, store, audit, maker, new CsrInspector());
    }

    public IssuanceService(CaKey caKey, CaPolicy caPolicy, JdbcCertificateStore store, AuditTrail audit, CertificateMaker maker,
            CsrInspector inspector) {
        this.caKey = caKey;
        this.inspector = inspector;
        this.caPolicy = caPolicy;
        this.policy = new IssuancePolicy(caPolicy);
        this.store = store;
        this.audit = audit;
        this.maker = maker;
    }

    public IssuedCertificate issue(IssueOrder order) {
        IssuanceDecision decision = decide(order);
        if (order.replaces() != null) {
            checkRenewal(order, decision);
        }
        BigInteger serial = reserve(order, decision);
        SignedCertificate certificate;
        try {
            certificate = sign(decision, serial);
        } catch (RuntimeException e) {
            abandon(order, decision, serial, e);
            throw new GridAuthException(CaError.ISSUANCE_FAILED, e, decision.subject().toOpenSsl(), e.getMessage(), JdbcCertificateStore.hex(serial));
        }
        AuditEvent event = issueEvent(order, decision, serial, certificate);
        long sequence;
        try {
            sequence = order.replaces() == null ? store.complete(certificate, event, order.requestId()).sequence()
                    : store.completeRenewal(certificate, order.replaces(), decision.hpciId(),
                            new AuditEvent("REVOKE", order.requester(), "serial " + JdbcCertificateStore.hex(order.replaces()),
                                    Map.of("serial", JdbcCertificateStore.hex(order.replaces()), "reason", "superseded",
                                            "by", JdbcCertificateStore.hex(serial))), event, order.requestId()).sequence();
        } catch (RuntimeException e) {
            // Signed but not recorded: the certificate is dropped here and never handed out.
            abandon(order, decision, serial, e);
            throw e;
        }
        LOG.info("issued {} certificate serial {} to {} for {}", decision.profile(), JdbcCertificateStore.hex(serial), decision.subject().toOpenSsl(),
                order.requester());
        return new IssuedCertificate(certificate, sequence);
    }

    /** What became of one order of a batch: the certificate issued, or the error the caller of {@link #issue} would have got. */
    public record Outcome(IssuedCertificate issued, GridAuthException error) {
    }

    /**
     * Issues a batch with as few transactions as correctness allows. Each order is decided on its own (a refusal,
     * audited, refuses only that order); the serials of all accepted orders are reserved in ONE transaction (PENDING
     * rows: never reused; R-CA-4 holds within the batch, so a second order for the same HPCI-ID is refused); the
     * certificates are signed in parallel (the token signer is per thread); then every certificate, its audit
     * record (chained in the batch's order) and its request's answer are recorded in ONE transaction. A crash
     * before that commit leaves PENDING rows that start-up abandons; nothing is handed out before it. Renewals
     * ({@code replaces}) are issued one by one with {@link #issue}.
     *
     * @return one outcome per order, in order
     */
    public List<Outcome> issueBatch(List<IssueOrder> orders) {
        int n = orders.size();
        Outcome[] out = new Outcome[n];
        IssuanceDecision[] decisions = new IssuanceDecision[n];
        onAllCores(IntStream.range(0, n).filter(i -> orders.get(i).replaces() == null).boxed().toList(), i -> {
            try {
                decisions[i] = decide(orders.get(i));
            } catch (GridAuthException e) {
                out[i] = new Outcome(null, e);
            }
        });
        for (int i = 0; i < n; i++) {
            if (orders.get(i).replaces() != null) {
                try {
                    out[i] = new Outcome(issue(orders.get(i)), null);
                } catch (GridAuthException e) {
                    out[i] = new Outcome(null, e);
                }
            }
        }
        List<Integer> accepted = new ArrayList<>();
        List<JdbcCertificateStore.Reservation> reservations = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (decisions[i] != null) {
                accepted.add(i);
                reservations.add(new JdbcCertificateStore.Reservation(decisions[i].profile(), decisions[i].subject().toOpenSsl(),
                        decisions[i].hpciId(), orders.get(i).requestId()));
            }
        }
        if (accepted.isEmpty()) {
            return List.of(out);
        }
        List<JdbcCertificateStore.Reserved> reserved;
        try {
            reserved = store.reserveAll(reservations, maker::randomSerial);
        } catch (GridAuthException e) {
            for (int i : accepted) {
                refuse(orders.get(i), decisions[i].subject().toOpenSsl(), e);
                out[i] = new Outcome(null, e);
            }
            return List.of(out);
        }
        BigInteger[] serials = new BigInteger[n];
        List<Integer> toSign = new ArrayList<>();
        for (int k = 0; k < accepted.size(); k++) {
            int i = accepted.get(k);
            JdbcCertificateStore.Reserved r = reserved.get(k);
            if (r.refusal() != null) {
                refuse(orders.get(i), decisions[i].subject().toOpenSsl(), r.refusal());
                out[i] = new Outcome(null, r.refusal());
            } else {
                serials[i] = r.serial();
                toSign.add(i);
            }
        }
        SignedCertificate[] certificates = new SignedCertificate[n];
        RuntimeException[] failures = new RuntimeException[n];
        signAll(decisions, serials, toSign, certificates, failures);
        List<Integer> signed = new ArrayList<>();
        for (int i : toSign) {
            if (failures[i] != null) {
                abandon(orders.get(i), decisions[i], serials[i], failures[i]);
                out[i] = new Outcome(null, new GridAuthException(CaError.ISSUANCE_FAILED, failures[i], decisions[i].subject().toOpenSsl(),
                        failures[i].getMessage(), JdbcCertificateStore.hex(serials[i])));
            } else {
                signed.add(i);
            }
        }
        if (signed.isEmpty()) {
            return List.of(out);
        }
        List<JdbcCertificateStore.Completion> completions = new ArrayList<>(signed.size());
        for (int i : signed) {
            completions.add(new JdbcCertificateStore.Completion(certificates[i], issueEvent(orders.get(i), decisions[i], serials[i], certificates[i]),
                    orders.get(i).requestId()));
        }
        List<org.gridauth.ca.audit.AuditRecord> records;
        try {
            records = store.completeAll(completions);
        } catch (RuntimeException e) {
            // Signed but not recorded: none of these certificates is handed out; their serials are abandoned.
            GridAuthException failure = e instanceof GridAuthException g ? g : new GridAuthException(CaError.INTERNAL, e, e.getClass().getSimpleName());
            abandonAll(orders, decisions, serials, signed, e);
            for (int i : signed) {
                out[i] = new Outcome(null, failure);
            }
            return List.of(out);
        }
        for (int k = 0; k < signed.size(); k++) {
            int i = signed.get(k);
            out[i] = new Outcome(new IssuedCertificate(certificates[i], records.get(k).sequence()), null);
        }
        LOG.info("issued a batch of {} certificates ({} orders) for {}", signed.size(), n, orders.get(0).requester());
        return List.of(out);
    }

    private static ExecutorService batchWorkers() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(CORES, CORES, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "ca-batch-worker");
            thread.setDaemon(true);
            return thread;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** A batch worker's part in one pass: whether some thread has claimed it yet, and its completion. */
    private record Helper(AtomicBoolean claimed, Future<?> done) {
    }

    /**
     * Runs {@code work} for every index, spread over the cores: the calling thread and the batch workers take the
     * next index not yet taken until none is left (each thread keeps its own token session). Taking rather than
     * splitting in fixed shares means the calling thread never waits for a share that no worker has started yet
     * (the workers may still be busy with the other batch in flight). Blocks without spinning until all are done.
     */
    private void onAllCores(List<Integer> indexes, IntConsumer work) {
        int threads = Math.min(CORES, indexes.size());
        AtomicInteger next = new AtomicInteger();
        Runnable takeUntilDone = () -> {
            for (int k = next.getAndIncrement(); k < indexes.size(); k = next.getAndIncrement()) {
                work.accept(indexes.get(k));
            }
        };
        List<Helper> helpers = new ArrayList<>(threads);
        for (int thread = 1; thread < threads; thread++) {
            AtomicBoolean claimed = new AtomicBoolean();
            helpers.add(new Helper(claimed, batchWorkers.submit(() -> {
                if (claimed.compareAndSet(false, true)) {
                    takeUntilDone.run();
                }
            })));
        }
        RuntimeException failure = null;
        try {
            takeUntilDone.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        // A worker that has not started is claimed here, so that it does nothing when it runs, and is not waited for
        // (that would wait for the other batch's work on the pool). One that has started is waited for, even after a
        // failure, so that none still works on this batch when the call returns.
        for (Helper helper : helpers) {
            if (helper.claimed().compareAndSet(false, true)) {
                continue;
            }
            try {
                helper.done().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                helpers.forEach(h -> h.done().cancel(true));
                throw new GridAuthException(CaError.INTERNAL, e, "interrupted while a batch was issued");
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new GridAuthException(CaError.INTERNAL, e.getCause(), "batch worker failed");
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private SignedCertificate sign(IssuanceDecision decision, BigInteger serial) {
        return maker.sign(request(decision, serial), caKey.certificate(), caKey.signer());
    }

    private IssuanceRequest request(IssuanceDecision decision, BigInteger serial) {
        return IssuanceRequest.of(decision.certificate(), decision.subject(), decision.publicKey(), serial)
                .withDnsNames(decision.dnsNames())
                .withLinks(caPolicy.crl(), caPolicy.ocsp(), caPolicy.caIssuers())
                .withPolicies(caPolicy.policyOids());
    }

    /**
     * Signs a batch in three passes over all cores: every certificate is prepared, then each thread has the token
     * sign its share back to back, then every signature is checked and its certificate assembled. Signing in one run
     * keeps the token's code and data in the core's caches: interleaved with the Java work around it, a SoftHSM2
     * signature cost about 0.68 ms against 0.59 ms in a loop of signatures alone, and the three passes issued about
     * 3% more certificates per second than one pass (benchmarks/RESULTS.md).
     *
     * <p>Fills, for each index of {@code which}, either {@code certificates} or {@code failures}.
     */
    private void signAll(IssuanceDecision[] decisions, BigInteger[] serials, List<Integer> which, SignedCertificate[] certificates,
                         RuntimeException[] failures) {
        int n = decisions.length;
        TbsCertificate[] prepared = new TbsCertificate[n];
        byte[][] signatures = new byte[n][];
        X509Certificate issuer = caKey.certificate();
        var algorithm = caKey.signer().getAlgorithmIdentifier();
        onAllCores(which, i -> {
            try {
                prepared[i] = maker.prepare(request(decisions[i], serials[i]), issuer, algorithm);
            } catch (RuntimeException e) {
                failures[i] = e;
            }
        });
        onAllCores(which, i -> {
            if (failures[i] == null) {
                try {
                    signatures[i] = prepared[i].signWith(caKey.signer());
                } catch (RuntimeException e) {
                    failures[i] = e;
                }
            }
        });
        onAllCores(which, i -> {
            if (failures[i] == null) {
                try {
                    certificates[i] = maker.complete(prepared[i], signatures[i]);
                } catch (RuntimeException e) {
                    failures[i] = e;
                }
            }
        });
    }

    private static AuditEvent issueEvent(IssueOrder order, IssuanceDecision decision, BigInteger serial, SignedCertificate certificate) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("serial", JdbcCertificateStore.hex(serial));
        details.put("profile", decision.profile());
        if (decision.hpciId() != null) {
            details.put("hpci-id", decision.hpciId());
        }
        if (!decision.dnsNames().isEmpty()) {
            details.put("dns", String.join(",", decision.dnsNames()));
        }
        details.put("notAfter", certificate.notAfter().toString());
        details.put("sha256", fingerprint(certificate));
        if (order.replaces() != null) {
            details.put("replaces", JdbcCertificateStore.hex(order.replaces()));
        }
        return new AuditEvent("ISSUE", order.requester(), decision.subject().toOpenSsl(), details);
    }

    /** SHA-256 over the DER, colon-separated upper-case hex: what IgtfInfo.fingerprint prints, without parsing the certificate. */
    static String fingerprint(SignedCertificate certificate) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.encoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void abandonAll(List<IssueOrder> orders, IssuanceDecision[] decisions, BigInteger[] serials, List<Integer> which, RuntimeException cause) {
        LOG.error("a batch of {} signed certificates could not be recorded: {}", which.size(), cause.getMessage());
        List<BigInteger> abandoned = new ArrayList<>();
        List<AuditEvent> events = new ArrayList<>();
        for (int i : which) {
            abandoned.add(serials[i]);
            events.add(new AuditEvent("ISSUE_FAILED", orders.get(i).requester(), decisions[i].subject().toOpenSsl(),
                    Map.of("serial", JdbcCertificateStore.hex(serials[i]), "reason", String.valueOf(cause.getMessage()))));
        }
        try {
            store.abandonAll(abandoned, events);
        } catch (GridAuthException e) {
            // Left PENDING; abandonStale() at the next start-up records them.
            LOG.error("could not mark {} serials abandoned: {}", abandoned.size(), e.getMessage());
        }
    }

    private IssuanceDecision decide(IssueOrder order) {
        InspectedCsr csr = null;
        try {
            csr = inspector.inspect(order.csr());
            return policy.decide(order, csr);
        } catch (GridAuthException e) {
            refuse(order, csr == null ? "(unreadable request)" : csr.subject().toOpenSsl(), e);
            throw e;
        }
    }

    private BigInteger reserve(IssueOrder order, IssuanceDecision decision) {
        for (int attempt = 1; ; attempt++) {
            BigInteger serial = maker.randomSerial();
            try {
                store.reserve(serial, decision.profile(), decision.subject().toOpenSsl(), decision.hpciId(), order.replaces(), order.requestId());
                return serial;
            } catch (JdbcCertificateStore.SerialInUse e) {
                LOG.warn("random serial {} collided with an existing one (attempt {})", JdbcCertificateStore.hex(serial), attempt);
                if (attempt == SERIAL_ATTEMPTS) {
                    throw new GridAuthException(CaError.ISSUANCE_FAILED, e, decision.subject().toOpenSsl(),
                            "no unused serial after " + SERIAL_ATTEMPTS + " random draws", JdbcCertificateStore.hex(serial));
                }
            } catch (GridAuthException e) {
                refuse(order, decision.subject().toOpenSsl(), e);
                throw e;
            }
        }
    }

    /** A renewal keeps profile and subject and replaces a certificate that is still valid. */
    private void checkRenewal(IssueOrder order, IssuanceDecision decision) {
        String hex = JdbcCertificateStore.hex(order.replaces());
        try {
            var old = store.find(order.replaces()).orElseThrow(() -> new GridAuthException(CaError.RENEWAL_INVALID, hex, "this CA never issued it"));
            if (old.status() != org.gridauth.ca.store.CertificateStatus.VALID) {
                throw new GridAuthException(CaError.RENEWAL_INVALID, hex, "it is " + old.status().name().toLowerCase(java.util.Locale.ROOT));
            }
            if (!old.profile().equals(decision.profile()) || !old.subject().equals(decision.subject().toOpenSsl())) {
                throw new GridAuthException(CaError.RENEWAL_INVALID, hex, "the request has another profile or subject");
            }
        } catch (GridAuthException e) {
            refuse(order, decision.subject().toOpenSsl(), e);
            throw e;
        }
    }

    private void refuse(IssueOrder order, String subject, GridAuthException e) {
        LOG.info("refused {} certificate for {} requested by {}: {}", order.profile(), subject, order.requester(), e.getMessage());
        Map<String, String> details = new LinkedHashMap<>();
        details.put("profile", String.valueOf(order.profile()));
        details.put("code", e.code().code());
        details.put("reason", e.getMessage());
        try {
            audit.append(new AuditEvent("ISSUE_REFUSED", order.requester(), subject, details));
        } catch (GridAuthException auditFailure) {
            // The database is down: the refusal still reaches the caller, and the log keeps the trace.
            LOG.error("could not audit the refusal: {}", auditFailure.getMessage());
        }
    }

    private void abandon(IssueOrder order, IssuanceDecision decision, BigInteger serial, RuntimeException cause) {
        LOG.error("issuance of serial {} for {} failed: {}", JdbcCertificateStore.hex(serial), decision.subject().toOpenSsl(), cause.getMessage());
        try {
            store.abandon(serial, new AuditEvent("ISSUE_FAILED", order.requester(), decision.subject().toOpenSsl(),
                    Map.of("serial", JdbcCertificateStore.hex(serial), "reason", String.valueOf(cause.getMessage()))));
        } catch (GridAuthException e) {
            // Left PENDING; abandonStale() at the next start-up records it.
            LOG.error("could not mark serial {} abandoned: {}", JdbcCertificateStore.hex(serial), e.getMessage());
        }
    }
}
