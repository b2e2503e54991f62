package org.gridauth.gsi.profile;

import org.bouncycastle.asn1.x509.KeyPurposeId;

/** Extended key usages of grid certificates (RFC 5280 section 4.2.1.12). */
public enum ExtendedKeyUsage {
    CLIENT_AUTH(KeyPurposeId.id_kp_clientAuth),
    SERVER_AUTH(KeyPurposeId.id_kp_serverAuth),
    EMAIL_PROTECTION(KeyPurposeId.id_kp_emailProtection),
    OCSP_SIGNING(KeyPurposeId.id_kp_OCSPSigning);

    private final KeyPurposeId purpose;

    ExtendedKeyUsage(KeyPurposeId purpose) {
        this.purpose = purpose;
    }

    public KeyPurposeId purpose() {
        return purpose;
    }
}
