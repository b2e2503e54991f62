package org.gridauth.ca.ceremony;

import java.io.IOException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.gridauth.ca.CaError;
import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.audit.AuditTrail;
import org.gridauth.ca.token.Pkcs11Token;
import org.gridauth.ca.token.TokenIdentity;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfile;
import org.gridauth.gsi.profile.IssuanceRequest;
import org.gridauth.gsi.trust.IgtfInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key ceremony (R-CA-2): generate the CA key pair inside the token, certify it (self-signed root, or a CSR for
 * an external root), store the certificate next to the key, and record who, when, which token, which key and the
 * fingerprints in the audit trail. A refused or failed ceremony is recorded too.
 */
public final class KeyCeremony {

    private static final Logger LOG = LoggerFactory.getLogger(KeyCeremony.class);

    private final Clock clock;
    private final CertificateMaker maker;
    private final AuditTrail audit;

    public KeyCeremony(Clock clock, CertificateMaker maker, AuditTrail audit) {
        this.clock = clock;
        this.maker = maker;
        this.audit = audit;
    }

    public CeremonyRecord run(Pkcs11Token token, TokenIdentity identity, CeremonyRequest request) {
        String operators = String.join(", ", request.operators());
        Instant started = clock.instant();
        try {
            KeyPair pair = token.generateRsaKeyPair(request.keyLabel(), request.keyBits());
            ContentSigner signer = token.signers(pair.getPrivate(), request.profile().signatureAlgorithm()).signer();
            // For an external root the self-signed certificate only holds the key's place in the token until the
            // root's certificate is imported; it lives one day so that a forgotten import cannot leave the CA
            // running as a root of its own.
            CertificateProfile profile = request.selfSigned() ? request.profile() : placeholder(request.profile());
            X509Certificate certificate = maker.selfSigned(
                    IssuanceRequest.of(profile, request.caSubject(), pair.getPublic(), maker.randomSerial()).withNotBefore(started),
                    signer);
            token.store(request.keyLabel(), pair.getPrivate(), certificate);
            byte[] csr = request.selfSigned() ? null : csr(request, pair, token.signers(pair.getPrivate(), request.profile().signatureAlgorithm()).signer());
            String keyId = keyIdentifier(certificate);
            String publicKeySha256 = sha256(pair.getPublic().getEncoded());
            String sha256 = IgtfInfo.fingerprint(certificate, "SHA-256");
            String sha1 = IgtfInfo.fingerprint(certificate, "SHA-1");
            Map<String, String> details = new LinkedHashMap<>();
            details.put("mode", request.selfSigned() ? "self-signed root" : "CSR for an external root");
            details.put("token.slot", Long.toString(identity.slot()));
            details.put("token.label", identity.label());
            details.put("token.serial", identity.serial());
            details.put("token.model", identity.manufacturer() + " " + identity.model());
            details.put("key.label", request.keyLabel());
            details.put("key.id", keyId);
            details.put("key.bits", Integer.toString(request.keyBits()));
            details.put("key.sha256", publicKeySha256);
            details.put("certificate.serial", certificate.getSerialNumber().toString(16));
            details.put("certificate.notAfter", certificate.getNotAfter().toInstant().toString());
            details.put("certificate.sha256", sha256);
            details.put("certificate.sha1", sha1);
            if (csr != null) {
                details.put("csr.sha256", sha256(csr));
            }
            AuditRecord record = audit.append(new AuditEvent("KEY_CEREMONY", operators, request.caSubject().toOpenSsl(), details));
            LOG.info("key ceremony by {}: key {} generated in token {} (serial {}), certificate SHA-256 {}, audit record {}",
                    operators, request.keyLabel(), identity.label(), identity.serial(), sha256, record.sequence());
            return new CeremonyRecord(started, request.operators(), identity, request.keyLabel(), keyId, certificate, sha256, sha1,
                    publicKeySha256, csr, record.sequence());
        } catch (RuntimeException e) {
            refused(operators, request, identity, e.getMessage());
            throw e;
        }
    }

    private static CertificateProfile placeholder(CertificateProfile ca) {
        return new CertificateProfile(ca.name() + "-placeholder", ca.kind(), java.time.Period.ofDays(1), ca.minimumKeyBits(), ca.keyUsage(),
                ca.extendedKeyUsage(), ca.pathLength(), ca.subjectAltNameRequired(), ca.signatureAlgorithm());
    }

    private static byte[] csr(CeremonyRequest request, KeyPair pair, ContentSigner signer) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(request.caSubject().toX500Name(), pair.getPublic()).build(signer).getEncoded();
        } catch (IOException e) {
            throw new GridAuthException(CaError.SIGNING_FAILED, e, "PKCS#11 key " + request.keyLabel(), e.getMessage());
        }
    }

    private void refused(String operators, CeremonyRequest request, TokenIdentity identity, String reason) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("token.slot", Long.toString(identity.slot()));
        details.put("token.serial", identity.serial());
        details.put("key.label", request.keyLabel());
        details.put("reason", reason);
        LOG.warn("key ceremony by {} for key {} failed: {}", operators, request.keyLabel(), reason);
        audit.append(new AuditEvent("KEY_CEREMONY_FAILED", operators, request.caSubject().toOpenSsl(), details));
    }

    /** The subjectKeyIdentifier the certificate carries (SHA-1 of the public key bits, RFC 5280 4.2.1.2). */
    private static String keyIdentifier(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(org.bouncycastle.asn1.x509.Extension.subjectKeyIdentifier.getId());
        return HexFormat.of().formatHex(org.bouncycastle.asn1.x509.SubjectKeyIdentifier.getInstance(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(extension).getOctets()).getKeyIdentifier());
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
