package org.gridauth.gsi.profile;

import java.io.OutputStream;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.OperatorCreationException;
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
    private final VerifierSource verifiers;

    public CertificateMaker(Clock clock, SecureRandom random, VerifierSource verifiers) {
        this.clock = clock;
        this.random = random;
        this.verifiers = verifiers;
    }

    public CertificateMaker(Clock clock, SecureRandom random) {
        this(clock, random, VerifierSource.jdk());
    }

    public CertificateMaker(Clock clock) {
        this(clock, new SecureRandom());
    }

    /** Random bits of a serial: well above the 64 bits of entropy CA/B and IGTF profiles ask for. */
    static final int SERIAL_RANDOM_BITS = 78;

    /**
     * A positive serial of exactly 127 bits: a leading 1, the issuing time in milliseconds since 1970 (48 bits) and
     * {@value #SERIAL_RANDOM_BITS} bits from the CSPRNG. The time prefix makes one CA's serials grow with time, so
     * that its database appends new serials at the end of their index instead of rewriting a page at a random place
     * of it for every certificate; the random part keeps them unpredictable (the defence against chosen-prefix
     * collisions that random serials are for). Uniqueness is the CA database's (its primary key; a taken serial is
     * drawn again).
     */
    public BigInteger randomSerial() {
        return BigInteger.ONE.shiftLeft(126).or(BigInteger.valueOf(clock.millis() & 0xFFFF_FFFF_FFFFL).shiftLeft(SERIAL_RANDOM_BITS))
                .or(new BigInteger(SERIAL_RANDOM_BITS, random));
    }

    /** A self-signed root: issuer = subject, AKI = SKI. */
    public X509Certificate selfSigned(IssuanceRequest request, ContentSigner signer) {
        if (!request.profile().isCa()) {
            throw new GridAuthException(GsiError.PROFILE_INVALID, request.profile().name(), "only a CA profile can be self-signed");
        }
        TbsCertificate tbs = prepare(request, request.subject().toX500Name(), null, null, null, signer.getAlgorithmIdentifier());
        return complete(tbs, tbs.signWith(signer)).toX509Certificate();
    }

    /** A certificate signed by the issuer's key (through {@code signer}). */
    public X509Certificate issue(IssuanceRequest request, X509Certificate issuer, ContentSigner signer) {
        return sign(request, issuer, signer).toX509Certificate();
    }

    /**
     * {@link #issue} without parsing the result back into an {@link X509Certificate}: the DER encoding and the fields a
     * CA records. The same checks, the same certificate, the issuer's signature verified the same way.
     */
    public SignedCertificate sign(IssuanceRequest request, X509Certificate issuer, ContentSigner signer) {
        TbsCertificate tbs = prepare(request, issuer, signer.getAlgorithmIdentifier());
        return complete(tbs, tbs.signWith(signer));
    }

    /**
     * The first of {@link #sign}'s three steps: checks the request against its profile and the issuer, builds the
     * TBSCertificate and encodes it once, for {@link TbsCertificate#signWith} and then {@link #complete}.
     *
     * @param signatureAlgorithm the algorithm the issuer's signer will use (encoded in the certificate)
     */
    public TbsCertificate prepare(IssuanceRequest request, X509Certificate issuer, AlgorithmIdentifier signatureAlgorithm) {
        IssuerParts parts = issuerParts(issuer);
        return prepare(request, parts.name(), issuer.getPublicKey(), parts.authorityKeyIdentifier(), issuer.getNotAfter().toInstant(),
                signatureAlgorithm);
    }

    /** What every certificate of one issuer shares, worked out once per issuer certificate (a CA issues thousands). */
    private record IssuerParts(X509Certificate issuer, X500Name name, AuthorityKeyIdentifier authorityKeyIdentifier) {
    }

    private volatile IssuerParts lastIssuer;

    private IssuerParts issuerParts(X509Certificate issuer) {
        IssuerParts parts = lastIssuer;
        if (parts != null && (parts.issuer() == issuer || parts.issuer().equals(issuer))) {
            return parts;
        }
        if (issuer.getBasicConstraints() < 0 || issuer.getKeyUsage() == null || !issuer.getKeyUsage()[5]) {
            throw new GridAuthException(GsiError.ISSUER_NOT_CA, GridDn.of(issuer.getSubjectX500Principal()));
        }
        try {
            parts = new IssuerParts(issuer, GridDn.of(issuer.getSubjectX500Principal()).toX500Name(),
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.getPublicKey()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new GridAuthException(GsiError.CERTIFICATE_BUILD_FAILED, e, GridDn.of(issuer.getSubjectX500Principal()), e.getMessage());
        }
        lastIssuer = parts;
        return parts;
    }

    /**
     * Builds the TBSCertificate and encodes it once; {@link #complete} checks the signature over exactly these bytes
     * and assembles the DER of the certificate around them. Nothing is parsed back: the previous version
     * (X509v3CertificateBuilder, then JcaX509CertificateConverter, then X509Certificate.verify) re-encoded the TBS
     * twice and parsed the whole certificate once per issuance.
     *
     * @param issuerKey null for a self-signed certificate (the subject's key verifies it)
     */
    private TbsCertificate prepare(IssuanceRequest request, X500Name issuerName, PublicKey issuerKey, AuthorityKeyIdentifier aki,
                                   Instant issuerNotAfter, AlgorithmIdentifier signatureAlgorithm) {
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
            SubjectPublicKeyInfo keyInfo = SubjectPublicKeyInfo.getInstance(request.publicKey().getEncoded());
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.basicConstraints, true, profile.isCa()
                    ? (profile.pathLength() == null ? new BasicConstraints(true) : new BasicConstraints(profile.pathLength()))
                    : new BasicConstraints(false));
            int usage = profile.keyUsage().stream().mapToInt(KeyUsageBit::mask).reduce(0, (a, b) -> a | b);
            extensions.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            if (!profile.extendedKeyUsage().isEmpty()) {
                extensions.addExtension(Extension.extendedKeyUsage, false, new org.bouncycastle.asn1.x509.ExtendedKeyUsage(
                        profile.extendedKeyUsage().stream().map(ExtendedKeyUsage::purpose).toArray(KeyPurposeId[]::new)));
            }
            extensions.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keyInfo));
            extensions.addExtension(Extension.authorityKeyIdentifier, false,
                    aki != null ? aki : utils.createAuthorityKeyIdentifier(request.publicKey()));
            if (!request.dnsNames().isEmpty()) {
                extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(request.dnsNames().stream()
                        .map(name -> new GeneralName(GeneralName.dNSName, name)).toArray(GeneralName[]::new)));
            }
            addLinks(extensions, request);
            if (!request.policyOids().isEmpty()) {
                extensions.addExtension(Extension.certificatePolicies, false, new DERSequence(request.policyOids().stream()
                        .map(oid -> new PolicyInformation(new ASN1ObjectIdentifier(oid))).toArray(PolicyInformation[]::new)));
            }
            if (profile.kind() == CertificateKind.OCSP_SIGNER) {
                // RFC 6960 4.2.2.2.1: clients need not check the responder's own revocation status.
                extensions.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, org.bouncycastle.asn1.DERNull.INSTANCE);
            }
            Time start = new Time(Date.from(notBefore));
            Time end = new Time(Date.from(notAfter));
            V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
            tbs.setSerialNumber(new ASN1Integer(request.serial()));
            tbs.setSignature(signatureAlgorithm);
            tbs.setIssuer(issuerName);
            tbs.setStartDate(start);
            tbs.setEndDate(end);
            tbs.setSubject(request.subject().toX500Name());
            tbs.setSubjectPublicKeyInfo(keyInfo);
            tbs.setExtensions(extensions.generate());
            return new TbsCertificate(tbs.generateTBSCertificate().getEncoded(ASN1Encoding.DER), request, signatureAlgorithm,
                    issuerKey != null ? issuerKey : request.publicKey(), start.getDate().toInstant(), end.getDate().toInstant());
        } catch (GridAuthException e) {
            throw e;
        } catch (java.io.IOException | java.security.GeneralSecurityException | RuntimeException e) {
            throw new GridAuthException(GsiError.CERTIFICATE_BUILD_FAILED, e, request.subject(), e.getMessage());
        }
    }

    /**
     * The last of {@link #sign}'s steps: checks {@code signature} over the prepared TBSCertificate with the issuer's
     * public key and assembles the certificate's DER.
     *
     * <p>Every signature is verified before the certificate leaves: a faulty signature from an HSM (a CRT fault in
     * an RSA token) would otherwise be handed out, and one such signature on a known message is enough to factor the
     * modulus (Boneh-DeMillo-Lipton; Lenstra). Each signature is checked on its own: checking a batch's product at once
     * would let two faulty signatures cancel out.
     */
    public SignedCertificate complete(TbsCertificate tbs, byte[] signature) {
        IssuanceRequest request = tbs.request();
        try {
            ContentVerifier verifier = verifiers.verifiersFor(tbs.verifyingKey()).get(tbs.algorithm());
            try (OutputStream out = verifier.getOutputStream()) {
                out.write(tbs.der());
            }
            if (!verifier.verify(signature)) {
                throw new java.security.SignatureException("the signer's signature does not verify with the issuer's public key");
            }
            byte[] der = certificate(tbs.der(), tbs.algorithm().getEncoded(ASN1Encoding.DER), new DERBitString(signature).getEncoded(ASN1Encoding.DER));
            return new SignedCertificate(der, request.serial(), request.subject(), tbs.notBefore(), tbs.notAfter());
        } catch (GridAuthException e) {
            throw e;
        } catch (java.io.IOException | OperatorCreationException | java.security.GeneralSecurityException | RuntimeException e) {
            throw new GridAuthException(GsiError.CERTIFICATE_BUILD_FAILED, e, request.subject(), e.getMessage());
        }
    }

    /** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } (RFC 5280 4.1), from encoded parts. */
    private static byte[] certificate(byte[] tbs, byte[] algorithm, byte[] signature) {
        int length = tbs.length + algorithm.length + signature.length;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(length + 6);
        out.write(0x30);
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
                out.write(length >>> shift);
            }
        }
        out.writeBytes(tbs);
        out.writeBytes(algorithm);
        out.writeBytes(signature);
        return out.toByteArray();
    }

    private static void addLinks(ExtensionsGenerator builder, IssuanceRequest request) throws java.io.IOException {
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
