package org.gridauth.gsi.credential;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * JSSE key and trust managers from gridauth credentials, for the plain (non-GSI) TLS links between services: RA link,
 * portal API, sites' feed, MyProxy clients. The in-memory key store is never written anywhere.
 */
public final class TlsKeys {

    private TlsKeys() {
    }

    /** Key managers presenting the credential (certificate chain and key). */
    public static KeyManager[] keyManagers(Credential credential) throws GeneralSecurityException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("tls", credential.privateKey(), password, credential.chain().toArray(new Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(store, password);
            return factory.getKeyManagers();
        } catch (IOException e) {
            throw new GeneralSecurityException("an in-memory key store cannot be made: " + e.getMessage(), e);
        }
    }

    /** Standard PKIX trust managers trusting exactly these anchors. */
    public static TrustManager[] trusting(List<X509Certificate> anchors) throws GeneralSecurityException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                trust.setCertificateEntry("anchor" + i, anchors.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(trust);
            return factory.getTrustManagers();
        } catch (IOException e) {
            throw new GeneralSecurityException("an in-memory trust store cannot be made: " + e.getMessage(), e);
        }
    }

    /** A client context presenting {@code client} and trusting {@code anchors}. */
    public static SSLContext clientContext(Credential client, List<X509Certificate> anchors) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers(client), trusting(anchors), null);
        return context;
    }
}
