package org.gridauth.ra.service;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.RaProperties;
import org.gridauth.ra.policy.InputRules;
import org.gridauth.ra.protocol.CaLinkClient;
import org.gridauth.ra.security.RaUser;
import org.gridauth.ra.service.AccessLog.Operation;
import org.gridauth.ra.store.HostRequestStore;
import org.gridauth.ra.store.HostRequestStore.HostRequestRow;
import org.gridauth.ra.store.HostRequestStore.State;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Host and service certificates (R-CA-10): a host/service admin uploads a CSR, a CA operator approves (with the
 * four-eyes option: not the requester) or rejects it; on approval the portal, as an RA, asks the CA over the RA link
 * with the request's number as request ID, so a retried approval never issues twice.
 */
@Service
public class HostRequests {

    private final HostRequestStore store;
    private final ObjectProvider<CaLinkClient> ca;
    private final SettingsService settings;
    private final AccessLog log;
    private final RaProperties properties;
    private final Clock clock;

    public HostRequests(HostRequestStore store, ObjectProvider<CaLinkClient> ca, SettingsService settings, AccessLog log, RaProperties properties,
                        Clock clock) {
        this.store = store;
        this.ca = ca;
        this.settings = settings;
        this.log = log;
        this.properties = properties;
        this.clock = clock;
    }

    public long submit(RaUser user, String kindText, String csrText, String address) {
        try {
            String kind = InputRules.required("kind", kindText, 16).toLowerCase(Locale.ROOT);
            if (!kind.equals("host") && !kind.equals("service")) {
                throw new GridAuthException(RaError.INPUT_INVALID, "kind", "choose host or service");
            }
            String csr = InputRules.required("CSR", csrText, 16_384);
            String subject = inspect(kind, csr);
            long id = store.insert(kind, subject, csr, user.person().hpciId() == null ? "-" : user.person().hpciId(), user.actor(), clock.instant());
            log.record(user, address, Operation.HOST_REQUEST, "OK", kind + " request " + id + " for " + subject, null, null);
            return id;
        } catch (GridAuthException e) {
            log.record(user, address, Operation.HOST_REQUEST, "REFUSED", e.getMessage(), null, null);
            throw e;
        }
    }

    /** Checks the CSR's signature, key and CN (host: a DNS name; service: name/host); answers the CN. */
    static String inspect(String kind, String csrPem) {
        PKCS10CertificationRequest csr;
        try {
            csr = Pem.decode(csrPem.getBytes(StandardCharsets.UTF_8), "the CSR").requests().stream().findFirst()
                    .orElseThrow(() -> new GridAuthException(RaError.CSR_INVALID, "no CERTIFICATE REQUEST block was found"));
        } catch (GridAuthException e) {
            throw e.code() == RaError.CSR_INVALID ? e : new GridAuthException(RaError.CSR_INVALID, "it is not PEM");
        } catch (RuntimeException e) {
            throw new GridAuthException(RaError.CSR_INVALID, "it is not PEM");
        }
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(csr);
            PublicKey key = jca.getPublicKey();
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new GridAuthException(RaError.CSR_INVALID, "its signature does not verify");
            }
            if (!(key instanceof RSAPublicKey rsa) || rsa.getModulus().bitLength() < 2048) {
                throw new GridAuthException(RaError.CSR_INVALID, "the key must be RSA with at least 2048 bits");
            }
        } catch (GridAuthException e) {
            throw e;
        } catch (Exception e) {
            throw new GridAuthException(RaError.CSR_INVALID, "its key or signature cannot be read");
        }
        RDN[] cns = csr.getSubject().getRDNs(BCStyle.CN);
        if (cns.length != 1) {
            throw new GridAuthException(RaError.CSR_INVALID, "the subject must have exactly one CN");
        }
        String cn = IETFUtils.valueToString(cns[0].getFirst().getValue());
        String host = kind.equals("service") && cn.contains("/") ? cn.substring(cn.indexOf('/') + 1) : cn;
        if (kind.equals("service") && !cn.contains("/")) {
            throw new GridAuthException(RaError.CSR_INVALID, "a service CN is service/host.name, e.g. ldap/ldap.example.org");
        }
        if (!host.matches("(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}")) {
            throw new GridAuthException(RaError.CSR_INVALID, "the CN " + cn + " does not name a fully qualified host");
        }
        return cn;
    }

    public void approve(RaUser operator, long id, String address) {
        try {
            HostRequestRow row = store.find(id).orElseThrow(() -> new GridAuthException(RaError.REQUEST_NOT_FOUND, id));
            if (settings.current().fourEyes() && row.requesterEppn().equals(operator.actor())) {
                throw new GridAuthException(RaError.FOUR_EYES, id);
            }
            if (!store.decide(id, State.APPROVED, operator.actor(), null, clock.instant())) {
                throw new GridAuthException(RaError.REQUEST_DECIDED, id, store.find(id).map(r -> r.state().name()).orElse("?"));
            }
            CaLinkClient client = ca.getIfAvailable();
            if (client == null) {
                store.backToPending(id);
                throw new GridAuthException(RaError.CONFIGURATION_INVALID, "gridauth.ra.ca.url is not set, so host and service certificates cannot be issued");
            }
            CaLinkClient.Issued issued;
            try {
                issued = client.issue("ra-host-" + id, row.kind().equals("host") ? properties.ca().hostProfile() : properties.ca().serviceProfile(),
                        row.csrPem());
            } catch (GridAuthException e) {
                store.backToPending(id);
                throw e;
            }
            store.issued(id, issued.serial(), issued.certificatePem());
            log.record(operator, address, Operation.HOST_APPROVE, "OK", row.kind() + " request " + id + " for " + row.subject() + " requested by "
                    + row.requesterEppn(), null, issued.serial());
        } catch (GridAuthException e) {
            log.record(operator, address, Operation.HOST_APPROVE, "REFUSED", "request " + id + ": " + e.getMessage(), null, null);
            throw e;
        }
    }

    public void reject(RaUser operator, long id, String reasonText, String address) {
        try {
            String reason = InputRules.required("reason", reasonText, 1000);
            if (!store.decide(id, State.REJECTED, operator.actor(), reason, clock.instant())) {
                throw store.find(id).isEmpty() ? new GridAuthException(RaError.REQUEST_NOT_FOUND, id)
                        : new GridAuthException(RaError.REQUEST_DECIDED, id, store.find(id).get().state().name());
            }
            log.record(operator, address, Operation.HOST_REJECT, "OK", "request " + id + ": " + reason, null, null);
        } catch (GridAuthException e) {
            log.record(operator, address, Operation.HOST_REJECT, "REFUSED", "request " + id + ": " + e.getMessage(), null, null);
            throw e;
        }
    }

    public List<HostRequestRow> mine(RaUser user) {
        return store.byRequester(user.person().hpciId() == null ? "-" : user.person().hpciId());
    }

    public List<HostRequestRow> recent() {
        return store.recent(200);
    }

    public HostRequestRow find(long id) {
        return store.find(id).orElseThrow(() -> new GridAuthException(RaError.REQUEST_NOT_FOUND, id));
    }
}
