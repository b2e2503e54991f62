package org.gridauth.gsi.profile;

import java.io.IOException;
import java.io.OutputStream;
import java.security.PublicKey;
import java.time.Instant;

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

/**
 * A certificate that {@link CertificateMaker#prepare} built and encoded (RFC 5280's TBSCertificate), waiting for the
 * issuer's signature. A CA that signs many certificates prepares them all first, then lets each thread sign its
 * share back to back (the token's code and data stay in the core's caches), then {@link CertificateMaker#complete}s
 * them; one certificate takes the three steps in a row ({@link CertificateMaker#sign}).
 *
 * <p>Opaque on purpose: nothing but the maker reads the parts, so a prepared certificate cannot be altered between
 * its preparation and its signature.
 */
public final class TbsCertificate {

    private final byte[] der;
    private final IssuanceRequest request;
    private final AlgorithmIdentifier algorithm;
    private final PublicKey verifyingKey;
    private final Instant notBefore;
    private final Instant notAfter;

    TbsCertificate(byte[] der, IssuanceRequest request, AlgorithmIdentifier algorithm, PublicKey verifyingKey, Instant notBefore, Instant notAfter) {
        this.der = der;
        this.request = request;
        this.algorithm = algorithm;
        this.verifyingKey = verifyingKey;
        this.notBefore = notBefore;
        this.notAfter = notAfter;
    }

    /**
     * Has {@code signer} sign the encoded TBSCertificate; the signature is checked by {@link CertificateMaker#complete}.
     *
     * @throws GridAuthException the signer's own (a token's signing failure, for one) unchanged; otherwise GA-GSI
     *                           certificate build failure, if the signer's algorithm is not the one encoded in the
     *                           certificate or the signer fails in another way
     */
    public byte[] signWith(ContentSigner signer) {
        if (!algorithm.equals(signer.getAlgorithmIdentifier())) {
            throw new GridAuthException(GsiError.CERTIFICATE_BUILD_FAILED, request.subject(),
                    "the signer's algorithm " + signer.getAlgorithmIdentifier().getAlgorithm() + " is not the prepared " + algorithm.getAlgorithm());
        }
        try {
            try (OutputStream out = signer.getOutputStream()) {
                out.write(der);
            }
            return signer.getSignature();
        } catch (GridAuthException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new GridAuthException(GsiError.CERTIFICATE_BUILD_FAILED, e, request.subject(), e.getMessage());
        }
    }

    byte[] der() {
        return der;
    }

    IssuanceRequest request() {
        return request;
    }

    AlgorithmIdentifier algorithm() {
        return algorithm;
    }

    PublicKey verifyingKey() {
        return verifyingKey;
    }

    Instant notBefore() {
        return notBefore;
    }

    Instant notAfter() {
        return notAfter;
    }

    @Override
    public String toString() {
        return "TbsCertificate[serial=" + request.serial().toString(16) + ", subject=" + request.subject() + "]";
    }
}
