package org.gridauth.gsi.profile;

import java.time.Period;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

/**
 * What a kind of certificate looks like: validity, key size floor, key usages, extended key usages and CA
 * constraints. Profiles are data (configuration), checked when they are made so that a wrong profile stops the CA
 * at start-up rather than producing bad certificates.
 *
 * @param name                   profile name as configured, e.g. {@code client}
 * @param kind                   what the certificate is for
 * @param validity               lifetime from notBefore (clipped to the issuer's own notAfter)
 * @param minimumKeyBits         smallest RSA modulus accepted (EC keys: 256-bit field counts as 3072)
 * @param keyUsage               keyUsage bits, always marked critical
 * @param extendedKeyUsage       extended key usages, empty for none
 * @param pathLength             for CA profiles, the basicConstraints pathLenConstraint; null for none
 * @param subjectAltNameRequired whether at least one dNSName must be given (host certificates)
 * @param signatureAlgorithm     JCA name of the signature algorithm, SHA-256 or stronger
 */
public record CertificateProfile(String name, CertificateKind kind, Period validity, int minimumKeyBits,
                                 Set<KeyUsageBit> keyUsage, List<ExtendedKeyUsage> extendedKeyUsage,
                                 Integer pathLength, boolean subjectAltNameRequired, String signatureAlgorithm) {

    public CertificateProfile {
        String label = name == null ? "(unnamed)" : name;
        if (name == null || name.isBlank()) {
            throw new GridAuthException(GsiError.PROFILE_INVALID, label, "it has no name");
        }
        if (kind == null) {
            throw new GridAuthException(GsiError.PROFILE_INVALID, label, "the kind (CA, CLIENT, HOST, SERVICE, OCSP_SIGNER) is missing");
        }
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new GridAuthException(GsiError.PROFILE_INVALID, label, "the validity must be positive");
        }
        if (minimumKeyBits < 2048) {
            throw new GridAuthException(GsiError.PROFILE_INVALID, label, "the minimum key size must be at least 2048 bits");
        }
        keyUsage = keyUsage == null || keyUsage.isEmpty() ? EnumSet.noneOf(KeyUsageBit.class) : EnumSet.copyOf(keyUsage);
        extendedKeyUsage = extendedKeyUsage == null ? List.of() : List.copyOf(extendedKeyUsage);
        if (keyUsage.isEmpty()) {
            throw new GridAuthException(GsiError.PROFILE_INVALID, label, "it has no key usage");
        }
        boolean signsCertificates = keyUsage.contains(KeyUsageBit.KEY_CERT_SIGN);
        if (kind == CertificateKind.CA && !signsCertificates) {
            throw new GridAuthException(GsiError.PROFILE_INVALID, label, "a CA profile needs keyCertSign");
        }
        if (kind != CertificateKind.CA && (signsCertificates || pathLength != null)) {
            throw new GridAuthException(GsiError.PROFILE_INVALID, label, "only a CA profile may have keyCertSign or a path length");
        }
        if (pathLength != null && pathLength < 0) {
            throw new GridAuthException(GsiError.PROFILE_INVALID, label, "the path length cannot be negative");
        }
        if (signatureAlgorithm == null || !signatureAlgorithm.toUpperCase().matches("SHA(256|384|512)WITH(RSA|ECDSA|RSAANDMGF1)")) {
            throw new GridAuthException(GsiError.PROFILE_INVALID, label,
                    "the signature algorithm must be SHA256/384/512 with RSA or ECDSA, not " + signatureAlgorithm);
        }
    }

    public boolean isCa() {
        return kind == CertificateKind.CA;
    }
}
