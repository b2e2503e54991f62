package org.gridauth.gsi.profile;

import org.bouncycastle.asn1.x509.KeyUsage;

/** The keyUsage bits of RFC 5280 section 4.2.1.3 that grid profiles use. */
public enum KeyUsageBit {
    DIGITAL_SIGNATURE(KeyUsage.digitalSignature),
    NON_REPUDIATION(KeyUsage.nonRepudiation),
    KEY_ENCIPHERMENT(KeyUsage.keyEncipherment),
    DATA_ENCIPHERMENT(KeyUsage.dataEncipherment),
    KEY_AGREEMENT(KeyUsage.keyAgreement),
    KEY_CERT_SIGN(KeyUsage.keyCertSign),
    CRL_SIGN(KeyUsage.cRLSign);

    private final int mask;

    KeyUsageBit(int mask) {
        this.mask = mask;
    }

    public int mask() {
        return mask;
    }
}
