package org.gridauth.gsi.profile;

import java.time.Period;
import java.util.EnumSet;
import java.util.List;

/**
 * The default profiles. R-CA-2: CA key RSA 2048 or stronger, 10 years, keyCertSign + cRLSign. R-CA-3: client, host
 * and service certificates RSA 2048, 13 months, digitalSignature + keyEncipherment.
 */
public final class CertificateProfiles {

    private static final String SHA256_RSA = "SHA256withRSA";
    private static final EnumSet<KeyUsageBit> END_ENTITY = EnumSet.of(KeyUsageBit.DIGITAL_SIGNATURE, KeyUsageBit.KEY_ENCIPHERMENT);

    private CertificateProfiles() {
    }

    public static CertificateProfile ca() {
        return new CertificateProfile("ca", CertificateKind.CA, Period.ofYears(10), 2048,
                EnumSet.of(KeyUsageBit.KEY_CERT_SIGN, KeyUsageBit.CRL_SIGN), List.of(), null, false, SHA256_RSA);
    }

    public static CertificateProfile client() {
        return new CertificateProfile("client", CertificateKind.CLIENT, Period.ofMonths(13), 2048, END_ENTITY,
                List.of(ExtendedKeyUsage.CLIENT_AUTH), null, false, SHA256_RSA);
    }

    /** Host certificates also authenticate as clients (GridFTP, GSI-SSH to another host). */
    public static CertificateProfile host() {
        return new CertificateProfile("host", CertificateKind.HOST, Period.ofMonths(13), 2048, END_ENTITY,
                List.of(ExtendedKeyUsage.SERVER_AUTH, ExtendedKeyUsage.CLIENT_AUTH), null, true, SHA256_RSA);
    }

    public static CertificateProfile service() {
        return new CertificateProfile("service", CertificateKind.SERVICE, Period.ofMonths(13), 2048, END_ENTITY,
                List.of(ExtendedKeyUsage.SERVER_AUTH, ExtendedKeyUsage.CLIENT_AUTH), null, false, SHA256_RSA);
    }

    /** The delegated OCSP responder of RFC 6960 section 4.2.2.2. */
    public static CertificateProfile ocspSigner() {
        return new CertificateProfile("ocsp-signer", CertificateKind.OCSP_SIGNER, Period.ofMonths(13), 2048,
                EnumSet.of(KeyUsageBit.DIGITAL_SIGNATURE), List.of(ExtendedKeyUsage.OCSP_SIGNING), null, false, SHA256_RSA);
    }
}
