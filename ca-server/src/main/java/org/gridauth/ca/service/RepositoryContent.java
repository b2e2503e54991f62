package org.gridauth.ca.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;

import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.trust.IgtfInfo;
import org.gridauth.gsi.trust.NamespacePolicy;

/**
 * What the CA repository publishes (R-CA-6): the CA certificate, its fingerprints, the newest CRL from the
 * publication directory, an information page, the CP/CPS document and the trust bundle.
 */
public final class RepositoryContent {

    private final X509Certificate ca;
    private final NamespacePolicy namespace;
    private final IgtfInfo info;
    private final Path publishDir;
    private final Path cps;
    private final Clock clock;

    /**
     * @param cps the CP/CPS document to serve (HTML or PDF built from docs/), or null
     */
    public RepositoryContent(X509Certificate ca, NamespacePolicy namespace, IgtfInfo info, Path publishDir, Path cps, Clock clock) {
        this.ca = ca;
        this.namespace = namespace;
        this.info = info;
        this.publishDir = publishDir;
        this.cps = cps;
        this.clock = clock;
    }

    public byte[] caDer() {
        try {
            return ca.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] caPem() {
        return Pem.encode(ca).getBytes(StandardCharsets.US_ASCII);
    }

    /** SHA-256 and SHA-1 fingerprints as openssl x509 -fingerprint prints them; serve over HTTPS only. */
    public String fingerprints() {
        return "subject= " + GridDn.of(ca.getSubjectX500Principal()).toOpenSsl() + "\n"
                + "sha256 Fingerprint=" + IgtfInfo.fingerprint(ca, "SHA-256") + "\n"
                + "sha1 Fingerprint=" + IgtfInfo.fingerprint(ca, "SHA-1") + "\n";
    }

    public Optional<byte[]> crlDer() {
        return read("crl.der");
    }

    public Optional<byte[]> crlPem() {
        return read("crl.pem");
    }

    public Optional<byte[]> cps() {
        if (cps == null || !Files.isRegularFile(cps)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(cps));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public String cpsName() {
        return cps == null ? "cps" : cps.getFileName().toString();
    }

    public byte[] trustBundle() {
        X509CRL crl = crlPem().map(pem -> Pem.decode(pem, "crl.pem").crls()).filter(l -> !l.isEmpty()).map(l -> l.get(0)).orElse(null);
        return TrustBundle.tarGz(ca, namespace, info, crl, clock.instant());
    }

    /** A plain HTML page: who the CA is, what it publishes, where. No fingerprints over plain HTTP. */
    public String infoPage(boolean secure) {
        String dn = escape(GridDn.of(ca.getSubjectX500Principal()).toOpenSsl());
        StringBuilder page = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(info.alias())).append(" CA repository</title></head><body>\n")
                .append("<h1>").append(escape(info.alias())).append(" certification authority</h1>\n")
                .append("<p>Subject: <code>").append(dn).append("</code><br>Valid until ").append(ca.getNotAfter().toInstant())
                .append("<br>Contact: ").append(escape(String.valueOf(info.email()))).append("<br>Status: ").append(escape(info.status())).append("</p>\n<ul>\n")
                .append("<li><a href=\"ca.pem\">CA certificate (PEM)</a>, <a href=\"ca.der\">DER</a></li>\n")
                .append("<li><a href=\"crl.pem\">CRL (PEM)</a>, <a href=\"crl.der\">DER</a></li>\n")
                .append("<li><a href=\"trust-bundle.tar.gz\">IGTF trust bundle</a> for /etc/grid-security/certificates</li>\n")
                .append("<li><a href=\"cps\">CP/CPS</a></li>\n")
                .append("<li>OCSP: POST to <code>/ocsp</code></li>\n");
        if (secure) {
            page.append("<li><a href=\"fingerprints\">CA certificate fingerprints</a></li>\n")
                    .append("<li><a href=\"grid-mapfile\">grid-mapfile data</a>: subject DN and HPCI-ID of every valid client certificate</li>\n");
        } else {
            page.append("<li>Fingerprints and grid-mapfile data are published over HTTPS only.</li>\n");
        }
        return page.append("</ul>\n</body></html>\n").toString();
    }

    private Optional<byte[]> read(String name) {
        Path file = publishDir.resolve(name);
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
