package org.gridauth.gsi.credential;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

/**
 * PEM encoding and decoding of the objects grid files hold. Decoding reports what is wrong and where, never the
 * content (a key could be in it).
 */
public final class Pem {

    /** One provider instance for the library; never registered globally, so applications keep control of JCA. */
    public static final Provider BC = new BouncyCastleProvider();

    private Pem() {
    }

    /** The objects of a PEM text, in file order. */
    public record Content(List<X509Certificate> certificates, List<Object> keys, List<X509CRL> crls,
                          List<PKCS10CertificationRequest> requests) {
    }

    public static Content decode(byte[] data, String source) {
        List<X509Certificate> certificates = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        List<X509CRL> crls = new ArrayList<>();
        List<PKCS10CertificationRequest> requests = new ArrayList<>();
        String text = new String(data, StandardCharsets.US_ASCII);
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(readable(new JcaX509CertificateConverter().setProvider(BC).getCertificate(holder)));
                } else if (object instanceof X509CRLHolder holder) {
                    crls.add(readable(new JcaX509CRLConverter().setProvider(BC).getCRL(holder)));
                } else if (object instanceof PKCS10CertificationRequest request) {
                    requests.add(request);
                } else {
                    keys.add(object);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new GridAuthException(GsiError.PEM_MALFORMED, e, source, reason(e));
        } catch (CertificateException | java.security.cert.CRLException e) {
            throw new GridAuthException(GsiError.DER_MALFORMED, e, source, "certificate or CRL", reason(e));
        }
        if (certificates.isEmpty() && keys.isEmpty() && crls.isEmpty() && requests.isEmpty() && !text.isBlank()) {
            throw new GridAuthException(GsiError.PEM_MALFORMED, source, "no -----BEGIN line found");
        }
        return new Content(certificates, keys, crls, requests);
    }

    /**
     * The certificate, once its names, validity dates and public key are known to be readable: Bouncy Castle parses
     * some encodings lazily and throws an unchecked exception from {@code getSubjectX500Principal()},
     * {@code getNotAfter()} or {@code getPublicKey()} (a name the JDK rejects, a malformed time, an RSA modulus with
     * a small factor), which every caller reads (found by PemFuzzTest, CertificateFuzzTest and
     * GsiTokenFuzzTest#delegatedCertificate). Throws the runtime exception here, inside the caller's handling.
     */
    public static X509Certificate readable(X509Certificate certificate) {
        certificate.getPublicKey();
        certificate.getSubjectX500Principal();
        certificate.getIssuerX500Principal();
        certificate.getNotBefore();
        certificate.getNotAfter();
        return certificate;
    }

    /**
     * One DER certificate as a peer sent it, fully read ({@link #readable}): the one place where Bouncy Castle's
     * factory meets outside bytes, so that every unchecked failure of it (and an empty input, for which it returns
     * null) comes out as a {@link CertificateException} the caller turns into its own refusal.
     */
    public static X509Certificate certificateFromPeer(byte[] der) throws CertificateException {
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509", BC).generateCertificate(new ByteArrayInputStream(der));
            if (certificate != null) {
                readable(certificate);
            }
        } catch (RuntimeException e) {
            throw new CertificateException("not a readable X.509 certificate", e);
        }
        if (certificate == null) {
            throw new CertificateException("no certificate in " + der.length + " bytes");
        }
        return certificate;
    }

    /**
     * The CRL, once its issuer, update times and revoked entries are known to be readable: as with certificates,
     * Bouncy Castle builds the issuer's {@code X500Principal} only when asked, and the JDK rejects some encodings
     * with an unchecked exception (found by CrlFuzzTest). Throws the runtime exception here, inside decode's handling.
     */
    public static X509CRL readable(X509CRL crl) {
        crl.getIssuerX500Principal();
        crl.getThisUpdate();
        crl.getNextUpdate();
        java.util.Set<? extends java.security.cert.X509CRLEntry> revoked = crl.getRevokedCertificates();
        if (revoked != null) {
            for (java.security.cert.X509CRLEntry entry : revoked) {
                entry.getSerialNumber();
                entry.getRevocationDate();
                entry.getCertificateIssuer();
                entry.getRevocationReason();
            }
        }
        return crl;
    }

    /** PEM text of certificates, keys, CRLs or requests in the given order. */
    public static String encode(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object object : objects) {
                if (object instanceof List<?> list) {
                    for (Object item : list) {
                        writer.writeObject(item);
                    }
                } else {
                    writer.writeObject(object);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("PEM encoding into memory failed", e);
        }
        return out.toString();
    }

    public static String reason(Exception e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        // Bouncy Castle sometimes nests the cause's text; one line is enough for a user.
        return message.lines().findFirst().orElse(message);
    }
}
