package org.gridauth.gsi.trust;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

import org.gridauth.gsi.dn.GridDn;

/**
 * The IGTF {@code <hash>.info} file that describes a trust anchor in a distribution.
 *
 * @param alias   short name of the CA, e.g. {@code HPCI-CA}
 * @param url     the CA's home page (CA repository)
 * @param crlUrl  where the CRL is published
 * @param email   contact address
 * @param status  IGTF status, e.g. {@code accredited:mics} or {@code experimental}
 * @param version version of this description
 */
public record IgtfInfo(String alias, URI url, URI crlUrl, String email, String status, String version) {

    public String render(X509Certificate ca) {
        StringBuilder out = new StringBuilder();
        out.append("# IGTF trust anchor description (written by gridauth)\n");
        out.append("alias = ").append(alias).append('\n');
        if (url != null) {
            out.append("ca_url = ").append(url).append('\n');
            out.append("url = ").append(url).append('\n');
        }
        if (crlUrl != null) {
            out.append("crl_url = ").append(crlUrl).append('\n');
        }
        if (email != null) {
            out.append("email = ").append(email).append('\n');
        }
        out.append("status = ").append(status).append('\n');
        out.append("version = ").append(version).append('\n');
        out.append("sha1fp.0 = ").append(fingerprint(ca, "SHA-1")).append('\n');
        out.append("subjectdn = \"").append(GridDn.of(ca.getSubjectX500Principal()).toOpenSsl()).append("\"\n");
        return out.toString();
    }

    /** Colon-separated upper-case hex, as {@code openssl x509 -fingerprint} prints it. */
    public static String fingerprint(X509Certificate certificate, String digest) {
        try {
            byte[] hash = MessageDigest.getInstance(digest).digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(hash);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(digest + " fingerprint failed", e);
        }
    }
}
