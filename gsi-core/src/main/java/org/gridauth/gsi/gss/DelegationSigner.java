package org.gridauth.gsi.gss;

import java.security.cert.X509Certificate;

import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.proxy.ProxyRequest;

/**
 * How an initiator turns the acceptor's certificate request into the delegated proxy certificate. The default signs
 * with gsi-core's ProxyMaker; another implementation can sign elsewhere (a token, a remote signer).
 */
@FunctionalInterface
public interface DelegationSigner {

    X509Certificate sign(Credential issuer, PKCS10CertificationRequest request, ProxyRequest proxy);
}
