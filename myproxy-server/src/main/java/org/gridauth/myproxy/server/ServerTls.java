package org.gridauth.myproxy.server;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.trust.ChainValidator;

/**
 * The TLS side of MyProxy: the server presents its host credential and asks for (but does not require) a client
 * certificate. Client chains, proxies included, are judged by gsi-core's {@link ChainValidator} (trust directory,
 * signing policies, CRLs) rather than by the JDK's PKIX, which does not understand RFC 3820 proxies.
 */
public final class ServerTls {

    private ServerTls() {
    }

    public static SSLContext context(Credential host, ChainValidator validator) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] transientPassword = new char[] {'x'};
            keys.setKeyEntry("host", host.privateKey(), transientPassword, host.chain().toArray(X509Certificate[]::new));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("SunX509");
            keyManagers.init(keys, transientPassword);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), new TrustManager[] {new GsiTrustManager(validator)}, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up TLS with the host credential", e);
        }
    }

    /** Accepts client chains that gsi-core validates; never used for server certificates. */
    static final class GsiTrustManager extends org.gridauth.gsi.trust.GsiTrustManager {
        private final ChainValidator validator;

        GsiTrustManager(ChainValidator validator) {
            this.validator = validator;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                validator.validateOrThrow(List.of(chain));
            } catch (GridAuthException e) {
                throw new CertificateException(e.getMessage(), e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this trust manager only judges MyProxy clients");
        }
    }
}
