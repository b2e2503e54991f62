package org.gridauth.gsi.profile;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

/**
 * Turns a profile, a subject and a public key into a signed certificate. It builds; the {@link ContentSigner}
 * signs, wherever its key lives. Lifetimes come from the injected clock and never outlast the issuer.
 */
public final class CertificateMaker {

    private final Clock clock;
    private final SecureRandom random;

    public CertificateMaker(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    public CertificateMaker(Clock clock) {
        this(clock, new SecureRandom());
    }

    /** A positive random serial of 127 bits: well above the 64 bits of entropy CA/B and IGTF profiles ask for. */
    public BigInteger randomSerial() {
        return new BigInteger(127, random).setBit(120);
    }

    /** A self-signed root: issuer = subject, AKI = SKI. */
    public X509Certificate selfSigned(IssuanceRequest request, ContentSigner signer) {
        if (!request.profile().isCa()) {
            throw new GridAuthException(GsiError.PROFILE_INVALID, request.profile().name(), "only a CA profile can be self-signed");
        }
        return build(request, request.subject(), null, request.publicKey(), null, signer);
    }

    /** A certificate signed by the issuer's key (through {@code signer}). */
    public X509Certificate issue(IssuanceRequest request, X509Certificate issuer, ContentSigner signer) {
        if (issuer.getBasicConstraints() < 0 || issuer.getKeyUsage() == null || !issuer.getKeyUsage()[5]) {
            throw new GridAuthException(GsiError.ISSUER_NOT_CA, GridDn.of(issuer.getSubjectX500Principal()));
        }
        return build(request, GridDn.of(issuer.getSubjectX500Principal()), issuer.getPublicKey(),
                issuer.getPublicKey(), issuer.getNotAfter().toInstant(), signer);
    }

    private X509Certificate build(IssuanceRequest request, GridDn issuerDn, PublicKey issuerKey, PublicKey akiKey,
                                  Instant issuerNotAfter, ContentSigner signer) {
        CertificateProfile profile = request.profile();
        checkKey(request);
        if (profile.subjectAltNameRequired() && request.dnsNames().isEmpty()) {
            throw new GridAuthException(GsiError.SUBJECT_ALT_NAME_REQUIRED, profile.name());
        }
        Instant notBefore = request.notBefore() != null ? request.notBefore() : clock.instant();
        Instant notAfter = notBefore.atOffset(ZoneOffset.UTC).plus(profile.validity()).toInstant();
        if (issuerNotAfter != null && notAfter.isAfter(issuerNotAfter)) {
            notAfter = issuerNotAfter;
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new GridAuthException(GsiError.LIFETIME_INVALID, profile.validity(), "the issuer expires at " + issuerNotAfter);
        }
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerDn.toX500Name(), request.serial(),
                    Date.from(notBefore), Date.from(notAfter), request.subject().toX500Name(), request.publicKey());
            builder.addExtension(Extension.basicConstraints, true, profile.isCa()
                    ? (profile.pathLength() == null ? new BasicConstraints(true) : new BasicConstraints(profile.pathLength()))
                    : new BasicConstraints(false));
            int usage = profile.keyUsage().stream().mapToInt(KeyUsageBit::mask).reduce(0, (a, b) -> a | b);
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            if (!profile.extendedKeyUsage().isEmpty()) {
                builder.addExtension(Extension.extendedKeyUsage, false, new org.bouncycastle.asn1.x509.ExtendedKeyUsage(
                        profile.extendedKeyUsage().stream().map(ExtendedKeyUsage::purpose).toArray(KeyPurposeId[]::new)));
            }
            SubjectKeyIdentifier ski = utils.createSubjectKeyIdentifier(request.publicKey());
            builder.addExtension(Extension.subjectKeyIdentifier, false, ski);
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(akiKey != null ? akiKey : request.publicKey()));
            if (!request.dnsNames().isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(request.dnsNames().stream()
                        .map(name -> new GeneralName(GeneralName.dNSName, name)).toArray(GeneralName[]::new)));
            }
            addLinks(builder, request);
            if (!request.policyOids().isEmpty()) {
                builder.addExtension(Extension.certificatePolicies, false, new DERSequence(request.policyOids().stream()
                        .map(oid -> new PolicyInformation(new ASN1ObjectIdentifier(oid))).toArray(PolicyInformation[]::new)));
            }
            if (profile.kind() == CertificateKind.OCSP_SIGNER) {
                // RFC 6960 4.2.2.2.1: clients need not check the responder's own revocation status.
                builder.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, org.bouncycastle.asn1.DERNull.INSTANCE);
            }
            X509Certificate certificate = new JcaX509CertificateConverter().setProvider(Pem.BC).getCertificate(builder.build(signer));
            certificate.verify(issuerKey != null ? issuerKey : request.publicKey(), Pem.BC);
            return certificate;
        } catch (GridAuthException e) {
            throw e;
        } catch (CertIOException | java.security.GeneralSecurityException | RuntimeException e) {
            throw new GridAuthException(GsiError.CERTIFICATE_BUILD_FAILED, e, request.subject(), e.getMessage());
        }
    }

    private static void addLinks(X509v3CertificateBuilder builder, IssuanceRequest request) throws CertIOException {
        if (request.crlDistribution() != null) {
            GeneralName uri = new GeneralName(GeneralName.uniformResourceIdentifier, request.crlDistribution().toString());
            builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                new DistributionPoint(new DistributionPointName(new GeneralNames(uri)), null, null)}));
        }
        if (request.ocspResponder() != null || request.caIssuers() != null) {
            java.util.List<AccessDescription> access = new java.util.ArrayList<>();
            if (request.ocspResponder() != null) {
                access.add(new AccessDescription(X509ObjectIdentifiers.id_ad_ocsp,
                        new GeneralName(GeneralName.uniformResourceIdentifier, request.ocspResponder().toString())));
            }
            if (request.caIssuers() != null) {
                access.add(new AccessDescription(X509ObjectIdentifiers.id_ad_caIssuers,
                        new GeneralName(GeneralName.uniformResourceIdentifier, request.caIssuers().toString())));
            }
            builder.addExtension(Extension.authorityInfoAccess, false,
                    new AuthorityInformationAccess(access.toArray(AccessDescription[]::new)));
        }
    }

    private static void checkKey(IssuanceRequest request) {
        CertificateProfile profile = request.profile();
        int bits = KeySize.rsaEquivalentBits(request.publicKey());
        if (bits < profile.minimumKeyBits()) {
            throw new GridAuthException(GsiError.KEY_TOO_SMALL, KeySize.bits(request.publicKey()),
                    request.publicKey().getAlgorithm(), profile.minimumKeyBits(), profile.name());
        }
    }
}
