package org.gridauth.gsi.gss;

import org.ietf.jgss.GSSException;
import org.ietf.jgss.Oid;

/**
 * The GSI GSSAPI mechanism: context tokens are TLS records, both sides authenticate with X.509 certificates or
 * RFC 3820 proxies, delegation follows the handshake, wrap/unwrap are TLS application records and MICs use keys
 * exported from the TLS session ("MICv2").
 */
public final class GsiMechanism {

    /** The GSI mechanism (Globus "gssapi_openssl"). */
    public static final String OID = "1.3.6.1.4.1.3536.1.1";
    /** The same mechanism advertising MICv2, which current GSI-OpenSSH uses. */
    public static final String MICV2_OID = "1.3.6.1.4.1.3536.1.1.1";

    private GsiMechanism() {
    }

    public static Oid oid() {
        return oid(OID);
    }

    public static Oid micV2Oid() {
        return oid(MICV2_OID);
    }

    private static Oid oid(String text) {
        try {
            return new Oid(text);
        } catch (GSSException e) {
            throw new IllegalStateException(e);
        }
    }
}
