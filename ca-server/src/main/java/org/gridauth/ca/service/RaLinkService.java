package org.gridauth.ca.service;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import org.gridauth.ca.CaError;
import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ca.policy.IssueOrder;
import org.gridauth.ca.policy.RevocationReason;
import org.gridauth.ca.protocol.RaCodec;
import org.gridauth.ca.protocol.RaMessages.CertificateReply;
import org.gridauth.ca.protocol.RaMessages.CrlReply;
import org.gridauth.ca.protocol.RaMessages.CrlRequest;
import org.gridauth.ca.protocol.RaMessages.IssueBatchRequest;
import org.gridauth.ca.protocol.RaMessages.IssueRequest;
import org.gridauth.ca.protocol.RaMessages.RevokeReply;
import org.gridauth.ca.protocol.RaMessages.RevokeRequest;
import org.gridauth.ca.store.CertificateRecord;
import org.gridauth.ca.store.CertificateStatus;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.store.JdbcRequestLog;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.profile.SignedCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the RA link does with each request: issue, revoke, status, CRL now. Requests that change something run
 * once per request ID: a retry with the same ID and body gets the stored answer (a retried issuance never issues
 * twice); failures a retry may cure (5xx) release the ID; a request whose answer was lost is answered from its result.
 */
public final class RaLinkService {

    private static final Logger LOG = LoggerFactory.getLogger(RaLinkService.class);

    /** One HTTP answer: status, JSON body, and the GA-CA code of an error answer (else null). */
    public record Reply(int status, byte[] body, String errorCode) {

        public Reply(int status, byte[] body) {
            this(status, body, null);
        }
    }

    /** How long a claimed request may stay unanswered before a retry takes it over. */
    static final Duration STALE = Duration.ofMinutes(5);

    private final IssuanceService issuance;
    private final RevocationService revocation;
    private final CrlService crls;
    private final JdbcCertificateStore certificates;
    private final JdbcRequestLog requests;
    private final RaCodec codec;

    public RaLinkService(IssuanceService issuance, RevocationService revocation, CrlService crls, JdbcCertificateStore certificates,
                         JdbcRequestLog requests, RaCodec codec) {
        this.issuance = issuance;
        this.revocation = revocation;
        this.crls = crls;
        this.certificates = certificates;
        this.requests = requests;
        this.codec = codec;
    }

    public Reply issue(String ra, byte[] body) {
        return guarded(() -> issue(ra, codec.read(body, IssueRequest.class)));
    }

    private Reply issue(String ra, IssueRequest request) {
        String id = request.requestId();
        return once(ra, "issue", id, codec.write(request), issueRecovery(ra, id), () -> {
            IssuedCertificate issued = issuance.issue(order(ra, request));
            if (request.replaces() != null && crls.schedule().onRevocation()) {
                String superseded = request.replaces().toLowerCase(java.util.Locale.ROOT);
                try {
                    crls.issueNow(ra, "renewal superseded serial " + superseded);
                } catch (GridAuthException e) {
                    // The renewal stands; the CA's hourly ensureFresh() publishes the CRL once the HSM or database is back.
                    LOG.error("serial {} is superseded but the new CRL could not be made yet: {}", superseded, e.getMessage());
                }
            }
            return issued(issued.signed());
        });
    }

    /**
     * POST /v1/issue-batch: each item is carried out as {@link #issue} would carry it out alone (same request-ID
     * rules, same answer, same errors), and the answer lists them in order. The new request IDs are claimed in one
     * transaction and issued together by {@link IssuanceService#issueBatch} (one reservation and one recording
     * transaction for the batch); repeated, unfinished and renewal items run one by one through {@link #issue}.
     */
    public Reply issueBatch(String ra, byte[] body) {
        return guarded(() -> {
            IssueBatchRequest batch = codec.read(body, IssueBatchRequest.class, RaCodec.MAX_BATCH_BODY);
            int n = batch.requests().size();
            Reply[] replies = new Reply[n];
            // The certificates issued here, put into the answer as they are (their JSON need not be read back).
            CertificateReply[] issuedHere = new CertificateReply[n];
            IssueRequest[] parsed = new IssueRequest[n];
            List<Integer> claimable = new ArrayList<>();
            List<JdbcRequestLog.Item> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                try {
                    parsed[i] = codec.convert(batch.requests().get(i), IssueRequest.class);
                } catch (GridAuthException e) {
                    replies[i] = error(e);
                    continue;
                }
                if (parsed[i].replaces() == null) {
                    claimable.add(i);
                    items.add(new JdbcRequestLog.Item(parsed[i].requestId(), sha256(codec.write(parsed[i]))));
                }
            }
            List<JdbcRequestLog.ItemClaim> claims = items.isEmpty() ? List.of() : requests.claimAll(items, ra, "issue");
            List<Integer> fresh = new ArrayList<>();
            List<Instant> mine = new ArrayList<>();
            for (int k = 0; k < claims.size(); k++) {
                int i = claimable.get(k);
                JdbcRequestLog.ItemClaim claim = claims.get(k);
                if (claim.refusal() != null) {
                    replies[i] = error(claim.refusal());
                } else if (claim.claim() instanceof JdbcRequestLog.Claimed claimed) {
                    fresh.add(i);
                    mine.add(claimed.at());
                }
                // Anything else (answered, unfinished) is settled one by one below, as a retry of /v1/issue.
            }
            if (!fresh.isEmpty()) {
                List<IssueOrder> orders = new ArrayList<>(fresh.size());
                for (int i : fresh) {
                    orders.add(order(ra, parsed[i]));
                }
                List<IssuanceService.Outcome> outcomes;
                try {
                    outcomes = issuance.issueBatch(orders);
                } catch (RuntimeException e) {
                    for (int k = 0; k < fresh.size(); k++) {
                        requests.release(parsed[fresh.get(k)].requestId(), mine.get(k));
                    }
                    throw e;
                }
                for (int k = 0; k < fresh.size(); k++) {
                    int i = fresh.get(k);
                    IssuanceService.Outcome outcome = outcomes.get(k);
                    CertificateReply certificate = outcome.error() == null ? certificateReply(outcome.issued().signed()) : null;
                    Reply reply = certificate != null ? ok(certificate) : error(outcome.error());
                    String id = parsed[i].requestId();
                    Instant at = mine.get(k);
                    replies[i] = guarded(() -> settle(id, at, issueRecovery(ra, id), reply));
                    if (replies[i] == reply) {
                        issuedHere[i] = certificate;
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                if (replies[i] == null) {
                    IssueRequest request = parsed[i];
                    replies[i] = guarded(() -> issue(ra, request));
                }
            }
            ObjectNode answer = codec.object();
            ArrayNode results = answer.putArray("results");
            for (int i = 0; i < n; i++) {
                ObjectNode item = results.addObject();
                JsonNode id = parsed[i] != null ? new TextNode(parsed[i].requestId()) : batch.requests().get(i).path("requestId");
                item.set("requestId", id.isTextual() ? id : NullNode.getInstance());
                if (issuedHere[i] != null) {
                    put(item, issuedHere[i]);
                } else if (replies[i].status() == 200) {
                    item.setAll((ObjectNode) codec.tree(replies[i].body()));
                } else {
                    item.put("httpStatus", replies[i].status());
                    item.set("error", codec.tree(replies[i].body()));
                }
            }
            return ok(answer);
        });
    }

    private Recovery issueRecovery(String ra, String id) {
        return new Recovery(() -> certificates.findByRequest(id).map(r -> ok(reply(r))), true,
                () -> certificates.abandonPendingOfRequest(id, new AuditEvent("ISSUE_ABANDONED", ra, "request " + id,
                        Map.of("request", id, "reason", "a retry took over the request, unfinished after " + STALE.toMinutes() + " minutes"))));
    }

    private static IssueOrder order(String ra, IssueRequest request) {
        return new IssueOrder(ra, request.profile(), request.csr().getBytes(StandardCharsets.US_ASCII), request.hpciId(), request.lifetimeDays(),
                request.replaces() == null ? null : new BigInteger(request.replaces(), 16), request.requestId());
    }

    /**
     * Recorded as VALID in the transaction that answered the request ID: no read back needed. Answered from the DER
     * and the subject the maker encoded, without parsing the certificate back (PEM by {@link #pem}, the subject as
     * the same DN it was encoded from).
     */
    private Reply issued(SignedCertificate certificate) {
        return ok(certificateReply(certificate));
    }

    private static CertificateReply certificateReply(SignedCertificate certificate) {
        return new CertificateReply(JdbcCertificateStore.hex(certificate.serial()), CertificateStatus.VALID.name(),
                certificate.subject().toOpenSsl(), pem(certificate.encoded()), null, null);
    }

    /** The fields of a certificate answer, in the order and with the nulls {@link RaCodec#write} gives them. */
    private static void put(ObjectNode item, CertificateReply reply) {
        item.put("serial", reply.serial());
        item.put("status", reply.status());
        item.put("subject", reply.subject());
        item.put("certificate", reply.certificate());
        item.put("revokedAt", reply.revokedAt());
        item.put("reason", reply.reason());
    }

    private static final java.util.Base64.Encoder PEM_BASE64 = java.util.Base64.getMimeEncoder(64, new byte[] {'\n'});

    /** RFC 7468 PEM of a certificate's DER: the text Pem.encode writes (64-character lines, LF), without its PEM writer's set-up per call. */
    static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n" + PEM_BASE64.encodeToString(der) + "\n-----END CERTIFICATE-----\n";
    }

    private Reply error(GridAuthException e) {
        return new Reply(RaCodec.status(e.code()), codec.write(codec.error(e)), e.code().code());
    }

    public Reply revoke(String ra, byte[] body) {
        return guarded(() -> {
            RevokeRequest request = codec.read(body, RevokeRequest.class);
            Supplier<Optional<Reply>> leftBehind = () -> {
                if (!request.serial().matches("[0-9a-fA-F]{1,64}")) {
                    return Optional.empty();
                }
                return certificates.find(new BigInteger(request.serial(), 16))
                        .filter(r -> r.status() == CertificateStatus.REVOKED && r.revocationReason() != null)
                        .map(r -> ok(new RevokeReply(JdbcCertificateStore.hex(r.serial()), "REVOKED", RevocationReason.ofCode(r.revocationReason()).rfcName())));
            };
            return once(ra, "revoke", request.requestId(), codec.write(request), new Recovery(leftBehind, false, () -> { }), () -> {
                RevocationReason reason = RevocationReason.parse(request.reason());
                BigInteger serial = new BigInteger(request.serial(), 16);
                revocation.revoke(ra, serial, reason, request.note());
                return ok(new RevokeReply(JdbcCertificateStore.hex(serial), "REVOKED", reason.rfcName()));
            });
        });
    }

    public Reply crlNow(String ra, byte[] body) {
        return guarded(() -> {
            CrlRequest request = codec.read(body, CrlRequest.class);
            return once(ra, "crl", request.requestId(), codec.write(request), new Recovery(Optional::empty, false, () -> { }), () -> {
                CrlService.PublishedCrl crl = crls.issueNow(ra, "requested by the RA");
                return ok(new CrlReply(crl.number().toString(), crl.thisUpdate().toString(), crl.nextUpdate().toString(), Math.toIntExact(crl.revokedCount())));
            });
        });
    }

    public Reply status(String serialHex) {
        return guarded(() -> {
            if (!serialHex.matches("[0-9a-fA-F]{1,64}")) {
                throw new GridAuthException(CaError.RA_REQUEST_INVALID, "serial must be hexadecimal");
            }
            BigInteger serial = new BigInteger(serialHex, 16);
            CertificateRecord record = certificates.find(serial)
                    .filter(r -> r.certificate() != null)
                    .orElseThrow(() -> new GridAuthException(CaError.CERTIFICATE_UNKNOWN, JdbcCertificateStore.hex(serial)));
            return ok(reply(record));
        });
    }

    /**
     * What to do when a retry finds its request ID claimed but unanswered: {@code leftBehind} looks for the result
     * the first copy's work left (the certificate issued for the request ID, the revocation), which is then the
     * answer; {@code byCertificate}: that answer is the certificate itself (stored as such, not as text);
     * {@code beforeRerun} clears what would stop a take-over from completing (a pending reservation of the first copy).
     */
    private record Recovery(Supplier<Optional<Reply>> leftBehind, boolean byCertificate, Runnable beforeRerun) {
    }

    /**
     * Runs {@code work} once per request ID. A retry gets the stored answer; if the first copy's answer was never
     * stored (its process died, or the database failed just after the work succeeded), the retry answers with what
     * the work left, and if it left nothing and {@link #STALE} has passed, takes the request over and runs it again:
     * the first copy's reservation is abandoned first, so it can never complete, and a request ID holds at most one
     * certificate (database constraint), so a request never issues twice.
     */
    private Reply once(String ra, String operation, String requestId, byte[] canonical, Recovery recovery, Supplier<Reply> work) {
        JdbcRequestLog.Claim claim = requests.claim(requestId, ra, operation, sha256(canonical));
        if (claim instanceof JdbcRequestLog.Stored stored) {
            LOG.info("RA link: request {} ({}) repeated; answering with the stored result", requestId, operation);
            return new Reply(stored.status(), stored.body().getBytes(StandardCharsets.UTF_8));
        }
        if (claim instanceof JdbcRequestLog.AnsweredByCertificate) {
            LOG.info("RA link: request {} ({}) repeated; answering with the certificate issued for it", requestId, operation);
            return recovery.leftBehind().get().orElseThrow(() -> new GridAuthException(CaError.INTERNAL, "request " + requestId + " has no certificate"));
        }
        Instant mine;
        if (claim instanceof JdbcRequestLog.Unfinished unfinished) {
            Optional<Reply> found = recovery.leftBehind().get();
            if (found.isPresent()) {
                LOG.warn("RA link: request {} ({}) was carried out but its answer was not stored; answering with its result", requestId, operation);
                storeAnswer(requestId, unfinished.since(), recovery.byCertificate(), found.get());
                return found.get();
            }
            mine = requests.takeOver(requestId, unfinished, STALE).map(JdbcRequestLog.Claimed::at)
                    .orElseThrow(() -> new GridAuthException(CaError.REQUEST_IN_PROGRESS, requestId));
            LOG.warn("RA link: request {} ({}) unfinished since {}; a retry takes it over", requestId, operation, unfinished.since());
            recovery.beforeRerun().run();
        } else {
            mine = ((JdbcRequestLog.Claimed) claim).at();
        }
        Reply reply;
        try {
            reply = guarded(work);
        } catch (RuntimeException e) {
            requests.release(requestId, mine);
            throw e;
        }
        return settle(requestId, mine, recovery, reply);
    }

    /** After the work of the copy holding claim {@code mine}: stores its answer, gives the ID back, or answers from what an earlier copy left. */
    private Reply settle(String requestId, Instant mine, Recovery recovery, Reply reply) {
        if (CaError.REQUEST_IN_PROGRESS.code().equals(reply.errorCode())) {
            // The request ID already holds a certificate (an earlier copy completed after this one took over): that is the answer.
            Optional<Reply> found = recovery.leftBehind().get();
            if (found.isPresent()) {
                storeAnswer(requestId, mine, recovery.byCertificate(), found.get());
                return found.get();
            }
            requests.release(requestId, mine);
            return reply;
        }
        if (reply.status() >= 500) {
            requests.release(requestId, mine);
        } else if (!(recovery.byCertificate() && reply.status() == 200)) {
            // A 200 issuance was answered in the transaction that recorded its certificate.
            requests.finish(requestId, mine, reply.status(), new String(reply.body(), StandardCharsets.UTF_8));
        }
        return reply;
    }

    private void storeAnswer(String requestId, Instant claim, boolean byCertificate, Reply reply) {
        try {
            requests.finish(requestId, claim, reply.status(), byCertificate ? null : new String(reply.body(), StandardCharsets.UTF_8));
        } catch (GridAuthException e) {
            // The next retry finds the result again.
            LOG.error("RA link: could not store the answer to request {}: {}", requestId, e.getMessage());
        }
    }

    private Reply guarded(Supplier<Reply> work) {
        try {
            return work.get();
        } catch (GridAuthException e) {
            return error(e);
        } catch (RuntimeException e) {
            LOG.error("RA link: request failed", e);
            GridAuthException internal = new GridAuthException(CaError.INTERNAL, e, e.getClass().getSimpleName());
            return new Reply(500, codec.write(codec.error(internal)));
        }
    }

    private Reply ok(Object body) {
        return new Reply(200, codec.write(body));
    }

    private static CertificateReply reply(CertificateRecord record) {
        return new CertificateReply(JdbcCertificateStore.hex(record.serial()), record.status().name(), record.subject(),
                Pem.encode(record.certificate()), record.revokedAt() == null ? null : record.revokedAt().toString(),
                record.revocationReason() == null ? null : RevocationReason.ofCode(record.revocationReason()).rfcName());
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
