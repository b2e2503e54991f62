package org.gridauth.gsi.proxy;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x509.AttributeCertificate;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;
import org.gridauth.gsi.profile.KeySize;

import eu.emi.security.authn.x509.proxy.BaseProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyCertificate;
import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyPolicy;
import eu.emi.security.authn.x509.proxy.ProxyRequestOptions;
import eu.emi.security.authn.x509.proxy.ProxyType;

/**
 * Makes RFC 3820 proxy certificates with canl-java: from a credential with a fresh key ({@link #create}), or by
 * signing someone else's request ({@link #sign}) as in MyProxy GET and GSI delegation.
 *
 * <p>Rules applied whatever the request says: the proxy never outlives its chain; a limited issuer only makes
 * limited proxies; an exhausted proxy path length makes no more proxies; notBefore is back-dated five minutes
 * for clock skew, as Globus does, but never before the issuer's own notBefore.
 */
public final class ProxyMaker {

    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final Clock clock;
    private final SecureRandom random;

    public ProxyMaker(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    public ProxyMaker(Clock clock) {
        this(clock, new SecureRandom());
    }

    /** A new proxy with a fresh RSA key; the result's chain is the proxy followed by the issuer's chain. */
    public Credential create(Credential issuer, ProxyRequest request) {
        return create(issuer, request, List.of());
    }

    /**
     * A new proxy carrying attribute certificates (VOMS ACs, in the extension 1.3.6.1.4.1.8005.100.100.5 that
     * voms-proxy-init writes).
     */
    public Credential create(Credential issuer, ProxyRequest request, List<AttributeCertificate> attributeCertificates) {
        KeyPair pair = KeyPairs.rsa(request.keyBits(), random);
        ProxyCertificateOptions options = new ProxyCertificateOptions(issuer.chain().toArray(X509Certificate[]::new));
        options.setPublicKey(pair.getPublic());
        configure(options, issuer.chain(), request);
        try {
            attach(options, attributeCertificates);
            ProxyCertificate proxy = ProxyGenerator.generate(options, issuer.privateKey());
            return new Credential(pair.getPrivate(), List.of(proxy.getCertificateChain()));
        } catch (GeneralSecurityException | java.io.IOException | IllegalArgumentException e) {
            throw new GridAuthException(GsiError.PROXY_GENERATION_FAILED, e, issuer.subject(), e.getMessage());
        }
    }

    /**
     * Signs a PKCS#10 request (delegation): returns the new proxy certificate followed by the issuer's chain.
     *
     * @param minimumKeyBits smallest RSA key accepted in the request
     */
    public List<X509Certificate> sign(Credential issuer, PKCS10CertificationRequest csr, ProxyRequest request, int minimumKeyBits) {
        return sign(issuer, csr, request, minimumKeyBits, List.of());
    }

    /** {@link #sign(Credential, PKCS10CertificationRequest, ProxyRequest, int)} with attribute certificates in the proxy. */
    public List<X509Certificate> sign(Credential issuer, PKCS10CertificationRequest csr, ProxyRequest request, int minimumKeyBits,
                                      List<AttributeCertificate> attributeCertificates) {
        PublicKey requestKey = checkRequest(csr, minimumKeyBits);
        try {
            ProxyRequestOptions options = new ProxyRequestOptions(issuer.chain().toArray(X509Certificate[]::new), csr);
            configure(options, issuer.chain(), request);
            attach(options, attributeCertificates);
            X509Certificate[] signed = ProxyGenerator.generate(options, issuer.privateKey());
            if (!signed[0].getPublicKey().equals(requestKey)) {
                throw new GridAuthException(GsiError.PROXY_REQUEST_INVALID, "the signed key differs from the requested key");
            }
            return List.of(signed);
        } catch (GeneralSecurityException | java.io.IOException | IllegalArgumentException e) {
            throw new GridAuthException(GsiError.PROXY_GENERATION_FAILED, e, issuer.subject(), e.getMessage());
        }
    }

    private static void attach(BaseProxyCertificateOptions options, List<AttributeCertificate> attributeCertificates) throws java.io.IOException {
        if (!attributeCertificates.isEmpty()) {
            options.setAttributeCertificates(attributeCertificates.toArray(AttributeCertificate[]::new));
        }
    }

    private void configure(BaseProxyCertificateOptions options, List<X509Certificate> issuerChain, ProxyRequest request) {
        ProxyInfo issuerInfo = ProxyInfo.of(issuerChain);
        Instant now = clock.instant();
        X509Certificate first = issuerChain.get(0);
        if (now.isBefore(first.getNotBefore().toInstant()) || !now.isBefore(issuerInfo.notAfter())) {
            throw new GridAuthException(GsiError.PROXY_ISSUER_EXPIRED, issuerInfo.subject(), now);
        }
        if (issuerInfo.proxy() && issuerInfo.remainingPathLength() == 0) {
            throw new GridAuthException(GsiError.PROXY_PATH_EXHAUSTED, issuerInfo.subject());
        }
        Instant notBefore = now.minus(CLOCK_SKEW);
        Instant issuerStart = first.getNotBefore().toInstant();
        if (notBefore.isBefore(issuerStart)) {
            notBefore = issuerStart;
        }
        Instant notAfter = now.plus(request.lifetime());
        if (notAfter.isAfter(issuerInfo.notAfter())) {
            notAfter = issuerInfo.notAfter();
        }
        options.setType(ProxyType.RFC3820);
        options.setValidityBounds(Date.from(notBefore), Date.from(notAfter));
        options.setSerialNumber(new java.math.BigInteger(63, random).setBit(62));
        ProxyKind kind = issuerInfo.limited() ? ProxyKind.LIMITED : request.kind();
        switch (kind) {
            case LIMITED -> options.setLimited(true);
            case INDEPENDENT -> options.setPolicy(new ProxyPolicy(ProxyPolicy.INDEPENDENT_POLICY_OID));
            case IMPERSONATION -> options.setPolicy(new ProxyPolicy(ProxyPolicy.INHERITALL_POLICY_OID));
        }
        Integer pathLength = request.pathLength();
        if (issuerInfo.proxy() && issuerInfo.remainingPathLength() > 0) {
            int allowed = issuerInfo.remainingPathLength() - 1;
            pathLength = pathLength == null ? allowed : Math.min(pathLength, allowed);
        }
        if (pathLength != null) {
            options.setProxyPathLimit(pathLength);
        }
    }

    private static PublicKey checkRequest(PKCS10CertificationRequest csr, int minimumKeyBits) {
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(csr).setProvider(Pem.BC);
            PublicKey key = jca.getPublicKey();
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(Pem.BC).build(key))) {
                throw new GridAuthException(GsiError.PROXY_REQUEST_INVALID, "its self-signature does not verify");
            }
            int bits = KeySize.rsaEquivalentBits(key);
            if (bits < minimumKeyBits) {
                throw new GridAuthException(GsiError.PROXY_REQUEST_INVALID,
                        "its " + KeySize.bits(key) + "-bit " + key.getAlgorithm() + " key is below the minimum of " + minimumKeyBits + " bits");
            }
            return key;
        } catch (GridAuthException e) {
            throw e;
        } catch (GeneralSecurityException | PKCSException | org.bouncycastle.operator.OperatorCreationException | RuntimeException e) {
            throw new GridAuthException(GsiError.PROXY_REQUEST_INVALID, e, e.getMessage());
        }
    }

}
