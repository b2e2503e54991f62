package org.gridauth.ca.token;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Hands out {@link ContentSigner}s over one key. The key object (for PKCS#11, the cached key handle) is looked up
 * once; each thread keeps its own {@link Signature}, so concurrent signatures never share a PKCS#11 operation
 * session (SoftHSM2 fails with CKR_GENERAL_ERROR when they do).
 */
public final class SignerPool {

    private final PrivateKey key;
    private final Provider provider;
    private final String algorithm;
    private final AlgorithmIdentifier algorithmIdentifier;
    private final String description;
    private final ThreadLocal<Signature> signatures;

    public SignerPool(PrivateKey key, Provider provider, String algorithm, String description) {
        this.key = key;
        this.provider = provider;
        this.algorithm = algorithm;
        this.description = description;
        this.algorithmIdentifier = new DefaultSignatureAlgorithmIdentifierFinder().find(algorithm);
        this.signatures = ThreadLocal.withInitial(this::newSignature);
    }

    public ContentSigner signer() {
        return new ContentSigner() {
            private final ByteArrayOutputStream data = new ByteArrayOutputStream(1024);

            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return algorithmIdentifier;
            }

            @Override
            public OutputStream getOutputStream() {
                return data;
            }

            @Override
            public byte[] getSignature() {
                // Reusable, as Bouncy Castle's own signers are: the next signature starts from empty data, also after a failure.
                try {
                    return sign(data.toByteArray());
                } finally {
                    data.reset();
                }
            }
        };
    }

    /** Signs the bytes with the pooled key. */
    public byte[] sign(byte[] data) {
        Signature signature = signatures.get();
        try {
            signature.initSign(key);
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new GridAuthException(CaError.SIGNING_FAILED, e, description, rootMessage(e));
        }
    }

    private Signature newSignature() {
        try {
            return Signature.getInstance(algorithm, provider);
        } catch (GeneralSecurityException e) {
            throw new GridAuthException(CaError.SIGNING_FAILED, e, description, rootMessage(e));
        }
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
