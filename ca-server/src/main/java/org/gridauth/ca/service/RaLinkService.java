package org.gridauth.ca.service;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509CRL;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.gridauth.ca.CaError;
import org.gridauth.ca.policy.IssueOrder;
import org.gridauth.ca.policy.RevocationReason;
import org.gridauth.ca.protocol.RaCodec;
import org.gridauth.ca.protocol.RaMessages.CertificateReply;
import org.gridauth.ca.protocol.RaMessages.CrlReply;
import org.gridauth.ca.protocol.RaMessages.CrlRequest;
import org.gridauth.ca.protocol.RaMessages.IssueRequest;
import org.gridauth.ca.protocol.RaMessages.RevokeReply;
import org.gridauth.ca.protocol.RaMessages.RevokeRequest;
import org.gridauth.ca.store.CertificateRecord;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.store.JdbcRequestLog;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the RA link does with each request: issue, revoke, status, CRL now. Requests that change something run
 * once per request ID: a retry with the same ID and body gets the stored answer (a retried issuance never issues
 * twice); failures a retry may cure (5xx) release the ID.
 */
public final class RaLinkService {

    private static final Logger LOG = LoggerFactory.getLogger(RaLinkService.class);

    /** One HTTP answer: status and JSON body. */
    public record Reply(int status, byte[] body) {
    }

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
        return guarded(() -> {
            IssueRequest request = codec.read(body, IssueRequest.class);
            return once(ra, "issue", request.requestId(), codec.write(request), () -> {
                IssuedCertificate issued = issuance.issue(new IssueOrder(ra, request.profile(), request.csr().getBytes(StandardCharsets.US_ASCII),
                        request.hpciId(), request.lifetimeDays(), request.replaces() == null ? null : new BigInteger(request.replaces(), 16)));
                if (request.replaces() != null && crls.schedule().onRevocation()) {
                    crls.issueNow(ra, "renewal superseded serial " + request.replaces().toLowerCase(java.util.Locale.ROOT));
                }
                return ok(reply(certificates.find(issued.certificate().getSerialNumber()).orElseThrow()));
            });
        });
    }

    public Reply revoke(String ra, byte[] body) {
        return guarded(() -> {
            RevokeRequest request = codec.read(body, RevokeRequest.class);
            return once(ra, "revoke", request.requestId(), codec.write(request), () -> {
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
            return once(ra, "crl", request.requestId(), codec.write(request), () -> {
                X509CRL crl = crls.issueNow(ra, "requested by the RA");
                BigInteger number = ASN1Integer.getInstance(ASN1OctetString.getInstance(
                        crl.getExtensionValue(Extension.cRLNumber.getId())).getOctets()).getValue();
                return ok(new CrlReply(number.toString(), crl.getThisUpdate().toInstant().toString(), crl.getNextUpdate().toInstant().toString(),
                        crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size()));
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

    private Reply once(String ra, String operation, String requestId, byte[] canonical, Supplier<Reply> work) {
        Optional<JdbcRequestLog.StoredReply> earlier = requests.begin(requestId, ra, operation, sha256(canonical));
        if (earlier.isPresent()) {
            LOG.info("RA link: request {} ({}) repeated; answering with the stored result", requestId, operation);
            return new Reply(earlier.get().status(), earlier.get().body().getBytes(StandardCharsets.UTF_8));
        }
        Reply reply;
        try {
            reply = guarded(work);
        } catch (RuntimeException e) {
            requests.release(requestId);
            throw e;
        }
        if (reply.status() >= 500) {
            requests.release(requestId);
        } else {
            requests.finish(requestId, reply.status(), new String(reply.body(), StandardCharsets.UTF_8));
        }
        return reply;
    }

    private Reply guarded(Supplier<Reply> work) {
        try {
            return work.get();
        } catch (GridAuthException e) {
            return new Reply(RaCodec.status(e.code()), codec.write(codec.error(e)));
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
