package org.gridauth.gsi.proxy;

import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

import eu.emi.security.authn.x509.proxy.ProxyChainInfo;
import eu.emi.security.authn.x509.proxy.ProxyPolicy;
import eu.emi.security.authn.x509.proxy.ProxyUtils;

/**
 * What a certificate chain says about itself, as {@code grid-proxy-info} prints it.
 *
 * @param subject             DN of the first certificate
 * @param identity            DN of the end-entity certificate the chain speaks for
 * @param proxy               whether the first certificate is a proxy
 * @param kind                the first proxy's policy, null when not a proxy
 * @param limited             whether any proxy in the chain is limited (a limited proxy's descendants are limited)
 * @param remainingPathLength how many more proxies may be made below this chain; -1 for unlimited
 * @param notAfter            the earliest expiry in the chain
 */
public record ProxyInfo(GridDn subject, GridDn identity, boolean proxy, ProxyKind kind, boolean limited,
                        int remainingPathLength, Instant notAfter) {

    /** canl counts an unlimited path down from Integer.MAX_VALUE; anything near it means "no limit". */
    private static final int UNLIMITED_THRESHOLD = Integer.MAX_VALUE / 2;

    public static ProxyInfo of(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            throw new GridAuthException(GsiError.CHAIN_EMPTY);
        }
        X509Certificate[] array = chain.toArray(X509Certificate[]::new);
        for (X509Certificate certificate : array) {
            try {
                Pem.readable(certificate);
            } catch (RuntimeException e) {
                // A chain from a peer (TLS, MyProxy) parsed by a CertificateFactory may still hold an unreadable
                // name or time (found by CertificateFuzzTest); refuse it with a code instead of failing later.
                throw new GridAuthException(GsiError.DER_MALFORMED, e, "certificate chain", "certificate", Pem.reason(e));
            }
        }
        GridDn subject = GridDn.of(array[0].getSubjectX500Principal());
        Instant notAfter = chain.stream().map(c -> c.getNotAfter().toInstant()).min(Comparator.naturalOrder()).orElseThrow();
        try {
            if (!ProxyUtils.isProxy(array[0])) {
                return new ProxyInfo(subject, subject, false, null, false, -1, notAfter);
            }
            ProxyChainInfo info = new ProxyChainInfo(array);
            boolean limited = info.isLimited();
            ProxyPolicy[] policies = info.getPolicy();
            String first = policies.length > 0 && policies[0] != null ? policies[0].getPolicyOID() : ProxyPolicy.INHERITALL_POLICY_OID;
            ProxyKind kind = ProxyPolicy.LIMITED_PROXY_OID.equals(first) ? ProxyKind.LIMITED
                    : ProxyPolicy.INDEPENDENT_POLICY_OID.equals(first) ? ProxyKind.INDEPENDENT : ProxyKind.IMPERSONATION;
            int remaining = info.getRemainingPathLimit();
            return new ProxyInfo(subject, GridDn.of(ProxyUtils.getOriginalUserDN(array)), true, kind, limited,
                    remaining > UNLIMITED_THRESHOLD ? -1 : remaining, notAfter);
        } catch (GridAuthException e) {
            throw e;
        } catch (CertificateException | IOException | RuntimeException e) {
            // canl reads the ProxyCertInfo extension with unchecked casts: a SET where a SEQUENCE belongs threw
            // ClassCastException (found by CertificateFuzzTest); every reading failure is a refusal with a code.
            throw new GridAuthException(GsiError.CHAIN_PROXY_RULES, e, subject, Pem.reason(e));
        }
    }

    /** The {@code grid-proxy-info -type} wording. */
    public String typeDescription() {
        if (!proxy) {
            return "end entity credential";
        }
        return switch (kind) {
            case LIMITED -> "RFC 3820 compliant limited proxy";
            case INDEPENDENT -> "RFC 3820 compliant independent proxy";
            case IMPERSONATION -> limited ? "RFC 3820 compliant limited proxy" : "RFC 3820 compliant impersonation proxy";
        };
    }
}
