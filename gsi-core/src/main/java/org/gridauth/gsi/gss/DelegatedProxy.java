package org.gridauth.gsi.gss;

import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;
import org.gridauth.gsi.proxy.DelegationRequest;
import org.gridauth.gsi.trust.ChainValidator;

/**
 * The acceptor's side of GSI delegation, once the initiator's answer is cut out of the TLS stream: the DER proxy
 * certificate it signed must carry the key the acceptor asked for and chain to the initiator's own (already
 * authenticated) chain. A class of its own so that what a peer sends here can be fuzzed without a TLS handshake per
 * input (GsiTokenFuzzTest#delegatedCertificate).
 */
final class DelegatedProxy {

    private DelegatedProxy() {
    }

    /**
     * @throws GridAuthException GA-CORE-083 (GSS_DELEGATION_FAILED) naming what was wrong with the certificate
     */
    static Credential accept(byte[] der, DelegationRequest request, List<X509Certificate> initiatorChain, ChainValidator validator) {
        X509Certificate certificate;
        try {
            certificate = Pem.certificateFromPeer(der);
        } catch (CertificateException e) {
            throw new GridAuthException(GsiError.GSS_DELEGATION_FAILED, e, "the delegated certificate is not a readable X.509 certificate");
        }
        PublicKey key = certificate.getPublicKey();
        // null: a key algorithm Bouncy Castle does not know, which cannot be the RSA key we asked for
        if (key == null || !key.equals(request.keyPair().getPublic())) {
            throw new GridAuthException(GsiError.GSS_DELEGATION_FAILED, "the delegated certificate is not for the key the acceptor requested");
        }
        List<X509Certificate> chain = new ArrayList<>(initiatorChain.size() + 1);
        chain.add(certificate);
        chain.addAll(initiatorChain);
        try {
            validator.validateOrThrow(chain);
        } catch (GridAuthException e) {
            throw new GridAuthException(GsiError.GSS_DELEGATION_FAILED, e, e.getMessage());
        }
        return request.complete(chain);
    }
}
