package org.gridauth.ca.server;

import javax.net.ssl.SSLParameters;

/**
 * The TLS versions and cipher suites of the CA's listeners (RA link, repository over HTTPS), written out rather than
 * left to the JDK's defaults, which still enable suites without forward secrecy (TLS_RSA_*) and CBC-mode suites and
 * change between JDK releases. TLS 1.2 with ECDHE and an AEAD cipher, or TLS 1.3: what the stock clients (OpenSSL,
 * curl, the JDK, gsi-core's GSI peer) all speak. The system tests check it from outside with {@code openssl s_client}.
 */
final class TlsSettings {

    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final String[] CIPHER_SUITES = {
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

    private TlsSettings() {
    }

    /** Restricts {@code parameters} to {@link #PROTOCOLS} and {@link #CIPHER_SUITES}; returns them for chaining. */
    static SSLParameters restrict(SSLParameters parameters) {
        parameters.setProtocols(PROTOCOLS.clone());
        parameters.setCipherSuites(CIPHER_SUITES.clone());
        return parameters;
    }
}
