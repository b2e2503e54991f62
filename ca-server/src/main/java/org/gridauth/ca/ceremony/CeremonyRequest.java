package org.gridauth.ca.ceremony;

import java.util.List;

import org.gridauth.ca.CaError;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.profile.CertificateProfile;

/**
 * What the key ceremony is to produce.
 *
 * @param operators  the people present (at least one; the record names them all)
 * @param caSubject  the CA's DN
 * @param keyLabel   the label of the key (and its certificate) in the token
 * @param keyBits    RSA modulus size, at least 2048 (R-CA-2)
 * @param selfSigned true for a self-signed root; false for a key with a CSR to an external root
 * @param profile    the CA profile (validity, key usages, signature algorithm)
 */
public record CeremonyRequest(List<String> operators, GridDn caSubject, String keyLabel, int keyBits, boolean selfSigned,
                              CertificateProfile profile) {

    public CeremonyRequest {
        operators = operators == null ? List.of() : List.copyOf(operators);
        if (operators.isEmpty() || operators.stream().anyMatch(o -> o == null || o.isBlank())) {
            throw new GridAuthException(CaError.CEREMONY_INVALID, "the operators present must be named");
        }
        if (caSubject == null) {
            throw new GridAuthException(CaError.CEREMONY_INVALID, "the CA subject DN is missing");
        }
        if (keyLabel == null || !keyLabel.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new GridAuthException(CaError.CEREMONY_INVALID, "the key label must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (keyBits < 2048 || keyBits > 8192) {
            throw new GridAuthException(CaError.CEREMONY_INVALID, "the key size must be between 2048 and 8192 bits, not " + keyBits);
        }
        if (profile == null || !profile.isCa()) {
            throw new GridAuthException(CaError.CEREMONY_INVALID, "a CA profile is required");
        }
    }
}
