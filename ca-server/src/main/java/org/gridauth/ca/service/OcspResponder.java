package org.gridauth.ca.service;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.cert.ocsp.jcajce.JcaRespID;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.gridauth.ca.store.CertificateRecord;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.profile.Signers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 6960 OCSP answers from the CA database, signed by a delegated responder certificate (id-kp-OCSPSigning,
 * issued by the CA, so the CA key is not used for every answer). Certificates the CA issued and did not revoke are
 * good; revoked ones carry time and reason; anything else (another issuer, a serial never issued or abandoned) is
 * unknown. A request nonce is echoed.
 */
public final class OcspResponder {

    private static final Logger LOG = LoggerFactory.getLogger(OcspResponder.class);

    private final X509CertificateHolder ca;
    private final Credential signer;
    private final JdbcCertificateStore certificates;
    private final Clock clock;
    private final Duration validity;
    private final DigestCalculatorProvider digests;

    public OcspResponder(X509Certificate ca, Credential signer, JdbcCertificateStore certificates, Clock clock, Duration validity) {
        try {
            this.ca = new JcaX509CertificateHolder(ca);
            this.digests = new JcaDigestCalculatorProviderBuilder().build();
        } catch (CertificateEncodingException | OperatorCreationException e) {
            throw new IllegalStateException("cannot prepare the OCSP responder", e);
        }
        this.signer = signer;
        this.certificates = certificates;
        this.clock = clock;
        this.validity = validity;
    }

    /** The DER OCSPResponse for a DER OCSPRequest; malformed requests get the malformedRequest status. */
    public byte[] respond(byte[] request) {
        try {
            OCSPReq parsed;
            try {
                parsed = new OCSPReq(request);
            } catch (IOException | RuntimeException e) {
                return new OCSPRespBuilder().build(OCSPRespBuilder.MALFORMED_REQUEST, null).getEncoded();
            }
            Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
            BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(new JcaRespID(signer.certificate().getPublicKey(),
                    digests.get(CertificateID.HASH_SHA1)));
            for (Req single : parsed.getRequestList()) {
                CertificateID id = single.getCertID();
                builder.addResponse(id, status(id), Date.from(now), Date.from(now.plus(validity)));
            }
            Extension nonce = parsed.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (nonce != null) {
                builder.setResponseExtensions(new Extensions(nonce));
            }
            BasicOCSPResp basic = builder.build(Signers.software(signer.privateKey(), Signers.defaultAlgorithm(signer.privateKey())),
                    new X509CertificateHolder[] {new JcaX509CertificateHolder(signer.certificate())}, Date.from(now));
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
        } catch (OCSPException | OperatorCreationException | CertificateEncodingException | IOException | RuntimeException e) {
            LOG.error("OCSP: cannot answer: {}", e.toString());
            try {
                return new OCSPRespBuilder().build(OCSPRespBuilder.INTERNAL_ERROR, null).getEncoded();
            } catch (OCSPException | IOException inner) {
                throw new IllegalStateException(inner);
            }
        }
    }

    private CertificateStatus status(CertificateID id) throws OCSPException {
        if (!id.matchesIssuer(ca, digests)) {
            return new UnknownStatus();
        }
        BigInteger serial = id.getSerialNumber();
        CertificateRecord record = certificates.find(serial).orElse(null);
        if (record == null) {
            return new UnknownStatus();
        }
        return switch (record.status()) {
            case VALID -> CertificateStatus.GOOD;
            case REVOKED -> new RevokedStatus(Date.from(record.revokedAt()), record.revocationReason() == null ? 0 : record.revocationReason());
            default -> new UnknownStatus();
        };
    }
}
