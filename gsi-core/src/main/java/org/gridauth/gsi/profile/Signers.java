package org.gridauth.gsi.profile;

import java.security.PrivateKey;
import java.security.Provider;

import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

/**
 * Makes the {@link ContentSigner}s certificate building needs. The CA code only ever sees a ContentSigner, so a
 * key in a PKCS#11 token (pass the SunPKCS11 provider) and a software key are used the same way.
 */
public final class Signers {

    private Signers() {
    }

    /** A signer for a software key, using Bouncy Castle. */
    public static ContentSigner software(PrivateKey key, String signatureAlgorithm) {
        return withProvider(key, signatureAlgorithm, Pem.BC);
    }

    /** A signer whose key lives in the given provider (for example a SunPKCS11 token). */
    public static ContentSigner withProvider(PrivateKey key, String signatureAlgorithm, Provider provider) {
        try {
            return new JcaContentSignerBuilder(signatureAlgorithm).setProvider(provider).build(key);
        } catch (OperatorCreationException | IllegalArgumentException e) {
            throw new GridAuthException(GsiError.CERTIFICATE_BUILD_FAILED, e, "(signer)", e.getMessage());
        }
    }

    /** SHA-256 with the key's own algorithm family. */
    public static String defaultAlgorithm(PrivateKey key) {
        return "EC".equals(key.getAlgorithm()) || "ECDSA".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
    }
}
