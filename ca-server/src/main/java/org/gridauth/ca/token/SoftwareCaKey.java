package org.gridauth.ca.token;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Locale;

import org.bouncycastle.operator.ContentSigner;
import org.gridauth.ca.CaError;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.profile.Signers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CA key in an encrypted PKCS#12 file: for the embedded default ({@code gridauth up}) only. Loading one logs a
 * warning (GA-CA-006), because R-CA-2 puts a production CA key in an HSM.
 */
public final class SoftwareCaKey implements CaKey {

    private static final Logger LOG = LoggerFactory.getLogger(SoftwareCaKey.class);

    private final X509Certificate certificate;
    private final SignerPool pool;
    private final String description;

    private SoftwareCaKey(Credential credential, String signatureAlgorithm, String description) {
        this.certificate = credential.certificate();
        this.description = description;
        this.pool = new SignerPool(credential.privateKey(), Pem.BC, signatureAlgorithm, description);
    }

    /** Reads the PKCS#12 file and warns that the key is not in an HSM. */
    public static SoftwareCaKey load(Path pkcs12, char[] passphrase) {
        Credential credential = CredentialFiles.readPkcs12(pkcs12, passphrase);
        LOG.warn("{}: {} {}", CaError.SOFTWARE_KEY_IN_USE.code(), CaError.SOFTWARE_KEY_IN_USE.format(Locale.ENGLISH, pkcs12),
                CaError.SOFTWARE_KEY_IN_USE.action(Locale.ENGLISH));
        return new SoftwareCaKey(credential, Signers.defaultAlgorithm(credential.privateKey()), "software key " + pkcs12);
    }

    @Override
    public X509Certificate certificate() {
        return certificate;
    }

    @Override
    public ContentSigner signer() {
        return pool.signer();
    }

    @Override
    public String description() {
        return description;
    }
}
