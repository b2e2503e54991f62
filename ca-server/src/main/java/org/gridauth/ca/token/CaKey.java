package org.gridauth.ca.token;

import java.security.cert.X509Certificate;

import org.bouncycastle.operator.ContentSigner;

/**
 * The CA's signing key and certificate. Everything that signs (certificates, CRLs, OCSP responses) receives a
 * {@link ContentSigner} from here and never learns whether the key is in an HSM or a file.
 */
public interface CaKey {

    X509Certificate certificate();

    /** A signer for one signature; cheap to make, to be used by one thread. */
    ContentSigner signer();

    /** Where the key is, for logs and audit records: never key material. */
    String description();
}
