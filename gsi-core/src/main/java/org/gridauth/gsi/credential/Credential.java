package org.gridauth.gsi.credential;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import org.gridauth.gsi.dn.GridDn;

import eu.emi.security.authn.x509.proxy.ProxyUtils;

/**
 * A private key with its certificate chain: the certificate of the key first, then its issuers (for a proxy, the
 * earlier proxies and the end-entity certificate). The CA certificate may be left out, as grid proxy files do.
 *
 * <p>{@link #toString()} never shows the key.
 */
public record Credential(PrivateKey privateKey, List<X509Certificate> chain) {

    public Credential {
        if (privateKey == null) {
            throw new IllegalArgumentException("a credential needs a private key");
        }
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a credential needs at least its own certificate");
        }
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    public GridDn subject() {
        return GridDn.of(certificate().getSubjectX500Principal());
    }

    /** The DN of the end-entity certificate this credential speaks for (a proxy's owner). */
    public GridDn identity() {
        return GridDn.of(ProxyUtils.getOriginalUserDN(chain.toArray(X509Certificate[]::new)));
    }

    public boolean isProxy() {
        return ProxyUtils.isProxy(certificate());
    }

    /** The earliest notAfter in the chain: no credential outlives any certificate it depends on. */
    public Instant notAfter() {
        return chain.stream().map(c -> c.getNotAfter().toInstant()).min(Comparator.naturalOrder()).orElseThrow();
    }

    @Override
    public String toString() {
        return "Credential[" + subject() + ", chain of " + chain.size() + ", key " + privateKey.getAlgorithm() + " (hidden)]";
    }
}
