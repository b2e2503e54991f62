package org.gridauth.gsi.profile;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;

import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;

/**
 * A certificate as {@link CertificateMaker#sign} made it: its DER encoding and the fields an issuer records, without
 * parsing the DER back. A CA that stores and hands out the encoding needs no {@link X509Certificate}; {@link
 * #toX509Certificate} parses one when something does.
 *
 * @param encoded   the DER encoding (copied in and out)
 * @param serial    the serial number
 * @param subject   the subject DN, as encoded in the certificate
 * @param notBefore start of validity (whole seconds, as encoded)
 * @param notAfter  end of validity (whole seconds, as encoded)
 */
public record SignedCertificate(byte[] encoded, BigInteger serial, GridDn subject, Instant notBefore, Instant notAfter) {

    public SignedCertificate {
        encoded = encoded.clone();
    }

    @Override
    public byte[] encoded() {
        return encoded.clone();
    }

    /** Parses the encoding into an {@link X509Certificate} (Bouncy Castle's, as {@link CertificateMaker#issue} returns). */
    public X509Certificate toX509Certificate() {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509", Pem.BC).generateCertificate(new ByteArrayInputStream(encoded));
        } catch (CertificateException e) {
            throw new IllegalStateException("a certificate this maker encoded does not parse", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SignedCertificate s && Arrays.equals(encoded, s.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "SignedCertificate[serial=" + serial.toString(16) + ", subject=" + subject + ", notAfter=" + notAfter + "]";
    }
}
