package org.gridauth.gsi.proxy;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.profile.Signers;

/**
 * The receiving side of delegation (GSI delegation, MyProxy GET): a fresh key pair and the PKCS#10 request that
 * carries its public key. The issuer signs the request; {@link #complete} joins the key to what comes back.
 *
 * @param keyPair the new key pair; its private key never leaves this side
 * @param request the request to send (subject is ignored by proxy issuers, as in Globus)
 */
public record DelegationRequest(KeyPair keyPair, PKCS10CertificationRequest request) {

    public static DelegationRequest generate(int keyBits, SecureRandom random) {
        return forKey(KeyPairs.rsa(keyBits, random));
    }

    /** A request for an existing key pair (a benchmark or a client reusing one key). */
    public static DelegationRequest forKey(KeyPair pair) {
        try {
            PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=proxy"), pair.getPublic())
                    .build(Signers.software(pair.getPrivate(), Signers.defaultAlgorithm(pair.getPrivate())));
            return new DelegationRequest(pair, request);
        } catch (RuntimeException e) {
            throw new IllegalStateException("building a PKCS#10 request failed", e);
        }
    }

    /** The credential made from the signed chain (proxy first) and the private key kept here. */
    public Credential complete(List<X509Certificate> signedChain) {
        return new Credential(keyPair.getPrivate(), signedChain);
    }


    @Override
    public String toString() {
        return "DelegationRequest[key hidden]";
    }
}
