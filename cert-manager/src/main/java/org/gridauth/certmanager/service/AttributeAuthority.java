package org.gridauth.certmanager.service;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AttributeCertificate;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.AttributeCertificateHolder;
import org.bouncycastle.cert.AttributeCertificateIssuer;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2AttributeCertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.Pem;

/**
 * Issues VOMS attribute certificates (RFC 3281 with the VOMS attributes and extensions) signed by the certificate
 * manager's AC-issuer credential (R-RA-8). Validators trust it through a vomsdir .lsc file naming this credential's
 * subject and issuer, as for any VOMS server.
 *
 * <p>Built with Bouncy Castle rather than voms-api-java's VOMSACGenerator: that generator writes the FQANs'
 * policyAuthority as a plain SEQUENCE instead of RFC 3281's {@code [0] IMPLICIT GeneralNames}, which voms-api-java
 * itself accepts but the C VOMS library (Debian's voms-proxy-info, LCMAPS, gLExec) silently discards. The layout
 * here is the one a C VOMS server writes (checked against voms-proxy-fake): holder = the end-entity certificate's
 * subject and serial, issuer in v2Form, the VOMS attributes (1.3.6.1.4.1.8005.100.100.4), the AA's certificate
 * chain (…100.10), noRevAvail and the authority key identifier.
 */
public final class AttributeAuthority {

    static final ASN1ObjectIdentifier VOMS_ATTRIBUTES = new ASN1ObjectIdentifier("1.3.6.1.4.1.8005.100.100.4");
    static final ASN1ObjectIdentifier VOMS_AC_CERTS = new ASN1ObjectIdentifier("1.3.6.1.4.1.8005.100.100.10");

    private final Credential issuer;
    private final String host;
    private final int port;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param host the host name written into the AC's policy authority; validators look for {@code <vo>/<host>.lsc}
     * @param port the port written next to it, as a VOMS server writes its own
     */
    public AttributeAuthority(Credential issuer, String host, int port, Clock clock) {
        this.issuer = issuer;
        this.host = host;
        this.port = port;
        this.clock = clock;
    }

    /** An AC for the holder's end-entity certificate, valid for {@code lifetime} from now (back-dated 5 minutes for skew). */
    public AttributeCertificate issue(X509Certificate holder, String vo, List<String> fqans, Duration lifetime) {
        Instant now = clock.instant();
        X509v2AttributeCertificateBuilder builder = new X509v2AttributeCertificateBuilder(
                new AttributeCertificateHolder(X500Name.getInstance(holder.getSubjectX500Principal().getEncoded()), holder.getSerialNumber()),
                new AttributeCertificateIssuer(X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded())),
                new BigInteger(63, random), Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(lifetime)));
        builder.addAttribute(VOMS_ATTRIBUTES, ietfAttributes(vo, fqans));
        try {
            ASN1EncodableVector chain = new ASN1EncodableVector();
            for (X509Certificate c : issuer.chain()) {
                chain.add(Certificate.getInstance(c.getEncoded()));
            }
            builder.addExtension(VOMS_AC_CERTS, false, new DERSequence(new DERSequence(chain)));
            builder.addExtension(Extension.noRevAvail, false, DERNull.INSTANCE);
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.certificate().getPublicKey()));
            return builder.build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(Pem.BC).build(issuer.privateKey())).toASN1Structure();
        } catch (CertIOException | CertificateEncodingException | OperatorCreationException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the attribute certificate cannot be built: " + e.getMessage(), e);
        }
    }

    /** IetfAttrSyntax: policyAuthority [0] IMPLICIT GeneralNames ("vo://host:port"), values SEQUENCE OF OCTET STRING. */
    private DERSequence ietfAttributes(String vo, List<String> fqans) {
        GeneralNames authority = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, vo + "://" + host + ":" + port));
        ASN1EncodableVector values = new ASN1EncodableVector();
        for (String fqan : fqans) {
            values.add(new DEROctetString(fqan.getBytes(StandardCharsets.UTF_8)));
        }
        return new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {new DERTaggedObject(false, 0, authority), new DERSequence(values)});
    }

}
