package org.gridauth.ca.policy;

import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.trust.IgtfInfo;

/**
 * Which clients are the RA (R-CA-1): the SHA-256 fingerprints of the configured RA certificates. Pinning the
 * certificates rather than trusting a CA means no other certificate, however it was issued, can ask for issuance.
 */
public record RaAuthorization(Set<String> sha256Fingerprints) {

    public RaAuthorization {
        if (sha256Fingerprints == null || sha256Fingerprints.isEmpty()) {
            throw new GridAuthException(CaError.CONFIGURATION_INVALID, "ra-certificates", "at least one RA certificate must be configured");
        }
        sha256Fingerprints = sha256Fingerprints.stream().map(f -> f.replace(":", "").toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    public static RaAuthorization of(X509Certificate... raCertificates) {
        return new RaAuthorization(java.util.Arrays.stream(raCertificates).map(c -> IgtfInfo.fingerprint(c, "SHA-256"))
                .collect(Collectors.toSet()));
    }

    public boolean permits(X509Certificate client) {
        return client != null && sha256Fingerprints.contains(IgtfInfo.fingerprint(client, "SHA-256").replace(":", ""));
    }
}
