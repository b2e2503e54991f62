package org.gridauth.ca.service;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;

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
import org.gridauth.gsi.trust.IgtfInfo;
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

    private final CaKey caKey;
    private final CaPolicy caPolicy;
    private final IssuancePolicy policy;
    private final CsrInspector inspector = new CsrInspector();
    private final JdbcCertificateStore store;
    private final AuditTrail audit;
    private final CertificateMaker maker;

    public IssuanceService(CaKey caKey, CaPolicy caPolicy, JdbcCertificateStore store, AuditTrail audit, CertificateMaker maker) {
        this.caKey = caKey;
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
        X509Certificate certificate;
        try {
            IssuanceRequest request = IssuanceRequest.of(decision.certificate(), decision.subject(), decision.publicKey(), serial)
                    .withDnsNames(decision.dnsNames())
                    .withLinks(caPolicy.crl(), caPolicy.ocsp(), caPolicy.caIssuers())
                    .withPolicies(caPolicy.policyOids());
            certificate = maker.issue(request, caKey.certificate(), caKey.signer());
        } catch (RuntimeException e) {
            abandon(order, decision, serial, e);
            throw new GridAuthException(CaError.ISSUANCE_FAILED, e, decision.subject().toOpenSsl(), e.getMessage(), JdbcCertificateStore.hex(serial));
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("serial", JdbcCertificateStore.hex(serial));
        details.put("profile", decision.profile());
        if (decision.hpciId() != null) {
            details.put("hpci-id", decision.hpciId());
        }
        if (!decision.dnsNames().isEmpty()) {
            details.put("dns", String.join(",", decision.dnsNames()));
        }
        details.put("notAfter", certificate.getNotAfter().toInstant().toString());
        details.put("sha256", IgtfInfo.fingerprint(certificate, "SHA-256"));
        if (order.replaces() != null) {
            details.put("replaces", JdbcCertificateStore.hex(order.replaces()));
        }
        AuditEvent event = new AuditEvent("ISSUE", order.requester(), decision.subject().toOpenSsl(), details);
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
        LOG.info("issued {} certificate serial {} to {} for {}", decision.profile(), details.get("serial"), decision.subject().toOpenSsl(), order.requester());
        return new IssuedCertificate(certificate, sequence);
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
