package org.gridauth.idp.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** The fixed keys, certificates and metadata the fuzz targets' seeds were made with (test resources of this package). */
final class FuzzResources {

    private FuzzResources() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = FuzzResources.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static X509Certificate certificate(String name) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(bytes(name)));
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
    }
}
