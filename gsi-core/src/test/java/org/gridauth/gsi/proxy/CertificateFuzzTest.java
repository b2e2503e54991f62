package org.gridauth.gsi.proxy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Coverage-guided fuzzing of DER certificates as a peer presents them (issue #11, R-RS-1, R-MP-1: a proxy chain from a
 * TLS handshake or a MyProxy PUT). Bouncy Castle's factory parses; what gridauth adds on top — the subject as a
 * {@link GridDn} and {@link ProxyInfo}'s reading of the RFC 3820 extensions — must return a value or throw
 * {@link GridAuthException} for any certificate the factory accepts. Corpus in
 * {@code CertificateFuzzTestInputs/<method>/}.
 */
class CertificateFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void proxyInfo(byte[] data) {
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509", Pem.BC)
                    .generateCertificate(new ByteArrayInputStream(data));
        } catch (CertificateException | IllegalArgumentException notACertificate) {
            return; // refused by the factory, which callers already handle
        }
        if (certificate == null) {
            return;
        }
        try {
            ProxyInfo.of(List.of(certificate)); // refuses unreadable names and times first
            GridDn.of(certificate.getSubjectX500Principal()).toOpenSsl();
            GridDn.of(certificate.getIssuerX500Principal()).toOpenSsl();
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }
}
