package org.gridauth.ca.server;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Map;

import javax.net.ssl.X509TrustManager;

import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ca.audit.AuditTrail;
import org.gridauth.ca.policy.RaAuthorization;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.trust.IgtfInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS trust decision of the RA link: a client is accepted only if its certificate is one of the configured RA
 * certificates and currently valid. Refusals are logged and audited; the client sees a failed handshake.
 */
final class PinnedRaTrustManager implements X509TrustManager {

    private static final Logger LOG = LoggerFactory.getLogger(PinnedRaTrustManager.class);

    private final RaAuthorization authorization;
    private final AuditTrail audit;
    private final java.time.Clock clock;

    PinnedRaTrustManager(RaAuthorization authorization, AuditTrail audit, java.time.Clock clock) {
        this.authorization = authorization;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        X509Certificate client = chain == null || chain.length == 0 ? null : chain[0];
        String who = client == null ? "(no certificate)" : GridDn.of(client.getSubjectX500Principal()).toOpenSsl();
        String problem = null;
        if (client == null || !authorization.permits(client)) {
            problem = "not a configured RA certificate";
        } else {
            try {
                client.checkValidity(Date.from(clock.instant()));
            } catch (CertificateException e) {
                problem = "the RA certificate is not valid now";
            }
        }
        if (problem != null) {
            LOG.warn("RA link: refused client {}: {}", who, problem);
            try {
                audit.append(new AuditEvent("RA_REJECTED", who, "RA link", Map.of("reason", problem,
                        "sha256", client == null ? "" : IgtfInfo.fingerprint(client, "SHA-256"))));
            } catch (RuntimeException e) {
                LOG.error("could not audit the refused RA client: {}", e.getMessage());
            }
            throw new CertificateException(problem);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the RA link trust manager only checks clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
