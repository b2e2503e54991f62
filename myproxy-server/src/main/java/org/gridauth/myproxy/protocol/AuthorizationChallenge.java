package org.gridauth.myproxy.protocol;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The server's RESPONSE=2 offer of an authorization method (PROTOCOL section A.6): {@code AUTHORIZATION_DATA=
 * <method name>:<server data>}. For certificate-based authorization (renewal, myproxy-logon -a) the data is a
 * random challenge of 16 bytes written as 32 lower-case hex digits, which the client signs with the key of the
 * proxy it presents.
 *
 * @param method the method's name on the wire ({@code X509_certificate})
 * @param data   the server data (the challenge)
 */
public record AuthorizationChallenge(String method, String data) {

    /** The reference implementation's method names and numbers (myproxy_authorization.h). */
    public static final String CERTIFICATE = "X509_certificate";
    public static final int PASSWORD_METHOD = 1;
    public static final int CERTIFICATE_METHOD = 2;

    public static AuthorizationChallenge certificate(SecureRandom random) {
        byte[] challenge = new byte[16];
        random.nextBytes(challenge);
        return new AuthorizationChallenge(CERTIFICATE, HexFormat.of().formatHex(challenge));
    }

    public MyProxyResponse response() {
        return MyProxyResponse.authorization(java.util.List.of(method + ":" + data));
    }
}
