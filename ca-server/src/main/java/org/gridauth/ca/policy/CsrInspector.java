package org.gridauth.ca.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.gridauth.ca.CaError;
import org.gridauth.ca.crypto.RsaVerification;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Reads a PKCS#10 request (PEM or DER), checks its self-signature and its requested extensions. The CA sets every
 * extension from the profile itself; the only thing taken from a request is the subjectAltName's DNS names, and a
 * request asking for anything else (a CA flag, key usages, other name types) is refused rather than silently
 * trimmed.
 */
public final class CsrInspector {

    private static final int MAX_SIZE = 16 * 1024;

    private final RsaVerification rsa;

    public CsrInspector(RsaVerification rsa) {
        this.rsa = rsa;
    }

    /** With native RSA checks where they load ({@link RsaVerification#preferNative()}). */
    public CsrInspector() {
        this(RsaVerification.preferNative());
    }

    public InspectedCsr inspect(byte[] encoded) {
        if (encoded == null || encoded.length == 0) {
            throw new GridAuthException(CaError.CSR_MALFORMED, "it is empty");
        }
        if (encoded.length > MAX_SIZE) {
            throw new GridAuthException(CaError.CSR_MALFORMED, "it is larger than " + MAX_SIZE + " bytes");
        }
        PKCS10CertificationRequest csr = parse(encoded);
        GridDn subject;
        PublicKey key;
        try {
            subject = GridDn.of(new X500Principal(csr.getSubject().getEncoded()));
            key = new JcaPKCS10CertificationRequest(csr).setProvider(Pem.BC).getPublicKey();
        } catch (java.security.GeneralSecurityException | IOException | RuntimeException e) {
            throw new GridAuthException(CaError.CSR_MALFORMED, e, "its public key cannot be read: " + e.getMessage());
        }
        try {
            if (!csr.isSignatureValid(verifiers(key, csr.getSubjectPublicKeyInfo()))) {
                throw new GridAuthException(CaError.CSR_BAD_SIGNATURE, subject.toOpenSsl());
            }
        } catch (PKCSException | org.bouncycastle.operator.OperatorCreationException | RuntimeException e) {
            if (e instanceof GridAuthException g) {
                throw g;
            }
            throw new GridAuthException(CaError.CSR_BAD_SIGNATURE, e, subject.toOpenSsl());
        }
        return new InspectedCsr(subject, key, dnsNames(csr));
    }

    /**
     * RSA signatures are checked by {@link RsaVerification} (native, or the JDK's SunRsaSign: both several times
     * cheaper per call than Bouncy Castle's for the same PKCS#1 v1.5 check); other key types keep Bouncy Castle, which
     * knows more curves.
     */
    private ContentVerifierProvider verifiers(PublicKey key, SubjectPublicKeyInfo info) throws org.bouncycastle.operator.OperatorCreationException {
        return "RSA".equals(key.getAlgorithm()) && key instanceof java.security.interfaces.RSAPublicKey rsaKey ? rsa.verifiersFor(info, rsaKey)
                : new JcaContentVerifierProviderBuilder().setProvider(Pem.BC).build(info);
    }

    private static final String BEGIN = "-----BEGIN CERTIFICATE REQUEST-----";
    private static final String END = "-----END CERTIFICATE REQUEST-----";

    /**
     * The common case, one PEM block labelled CERTIFICATE REQUEST and nothing else but white space, decoded without
     * a PEM parser (its reader set-up cost as much as the rest of the parsing); anything else returns null and takes
     * the general path, which also words the errors.
     */
    private static PKCS10CertificationRequest singleBlock(String text) {
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin || !text.substring(0, begin).isBlank() || !text.substring(end + END.length()).isBlank()
                || text.indexOf("-----", begin + BEGIN.length()) != end) {
            return null;
        }
        StringBuilder base64 = new StringBuilder(end - begin);
        for (int i = begin + BEGIN.length(); i < end; i++) {
            char c = text.charAt(i);
            if (c != '\n' && c != '\r' && c != ' ' && c != '\t') {
                base64.append(c);
            }
        }
        try {
            return new PKCS10CertificationRequest(java.util.Base64.getDecoder().decode(base64.toString()));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static PKCS10CertificationRequest parse(byte[] encoded) {
        try {
            String text = new String(encoded, StandardCharsets.US_ASCII);
            if (text.contains("-----BEGIN")) {
                PKCS10CertificationRequest single = singleBlock(text);
                if (single != null) {
                    return single;
                }
                List<PKCS10CertificationRequest> requests = Pem.decode(encoded, "certificate request").requests();
                if (requests.size() != 1) {
                    throw new GridAuthException(CaError.CSR_MALFORMED, "the PEM holds " + requests.size() + " CERTIFICATE REQUEST blocks, not one");
                }
                return requests.get(0);
            }
            return new PKCS10CertificationRequest(encoded);
        } catch (GridAuthException e) {
            if (e.code() == CaError.CSR_MALFORMED) {
                throw e;
            }
            throw new GridAuthException(CaError.CSR_MALFORMED, e, e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new GridAuthException(CaError.CSR_MALFORMED, e, "it is not DER or PEM PKCS#10 (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String name(ASN1ObjectIdentifier oid) {
        if (Extension.basicConstraints.equals(oid)) {
            return "basicConstraints";
        }
        if (Extension.keyUsage.equals(oid)) {
            return "keyUsage";
        }
        if (Extension.extendedKeyUsage.equals(oid)) {
            return "extendedKeyUsage";
        }
        if (Extension.nameConstraints.equals(oid)) {
            return "nameConstraints";
        }
        return oid.getId();
    }

    private static List<String> dnsNames(PKCS10CertificationRequest csr) {
        List<String> names = new ArrayList<>();
        for (var attribute : csr.getAttributes()) {
            ASN1ObjectIdentifier type = attribute.getAttrType();
            if (!PKCSObjectIdentifiers.pkcs_9_at_extensionRequest.equals(type)) {
                if (PKCSObjectIdentifiers.pkcs_9_at_challengePassword.equals(type)) {
                    continue;
                }
                throw new GridAuthException(CaError.CSR_FORBIDDEN_EXTENSION, "attribute " + type.getId());
            }
            for (ASN1Encodable value : attribute.getAttributeValues()) {
                Extensions extensions = Extensions.getInstance(value);
                for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
                    if (!Extension.subjectAlternativeName.equals(oid)) {
                        throw new GridAuthException(CaError.CSR_FORBIDDEN_EXTENSION, "the extension " + name(oid));
                    }
                    for (GeneralName name : GeneralNames.getInstance(extensions.getExtensionParsedValue(oid)).getNames()) {
                        if (name.getTagNo() != GeneralName.dNSName) {
                            throw new GridAuthException(CaError.CSR_FORBIDDEN_EXTENSION, "subjectAltName of type " + name.getTagNo());
                        }
                        names.add(name.getName().toString().toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }
        }
        return names;
    }
}
