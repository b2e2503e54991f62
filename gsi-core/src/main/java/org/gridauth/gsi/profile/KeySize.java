package org.gridauth.gsi.profile;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

/** Key strength in RSA-equivalent bits, so one floor works for both key types (NIST SP 800-57 table 2). */
public final class KeySize {

    private KeySize() {
    }

    public static int bits(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECPublicKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize();
        }
        return 0;
    }

    public static int rsaEquivalentBits(PublicKey key) {
        if (key instanceof ECPublicKey) {
            int field = bits(key);
            return field >= 512 ? 15360 : field >= 384 ? 7680 : field >= 256 ? 3072 : 1024;
        }
        return bits(key);
    }
}
