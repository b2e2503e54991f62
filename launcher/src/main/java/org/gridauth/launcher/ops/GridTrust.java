package org.gridauth.launcher.ops;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.TlsKeys;

/**
 * TLS trust for the HTTPS probes: a server is accepted when its chain ends at a CA of the grid trust directory
 * (the suite's own services) or at one of the Java runtime's public roots (a portal with a commercial certificate).
 */
final class GridTrust {

    private GridTrust() {
    }

    static SSLContext withSystemRoots(Path trustDir) {
        try {
            List<X509Certificate> anchors = new ArrayList<>();
            if (trustDir != null && Files.isDirectory(trustDir)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(trustDir, "*.0")) {
                    for (Path file : files) {
                        anchors.addAll(CredentialFiles.readCertificates(file));
                    }
                }
            }
            X509TrustManager grid = anchors.isEmpty() ? null : (X509TrustManager) TlsKeys.trusting(anchors)[0];
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            X509TrustManager system = (X509TrustManager) factory.getTrustManagers()[0];
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new Either(grid, system)}, null);
            return context;
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the trust directory " + trustDir + ": " + e.getMessage(), e);
        }
    }

    private record Either(X509TrustManager grid, X509TrustManager system) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the probes are clients only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (grid != null) {
                try {
                    grid.checkServerTrusted(chain, authType);
                    return;
                } catch (CertificateException e) {
                    // not one of ours: try the public roots
                }
            }
            system.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return system.getAcceptedIssuers();
        }
    }
}
