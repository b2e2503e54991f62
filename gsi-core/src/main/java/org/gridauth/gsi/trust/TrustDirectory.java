package org.gridauth.gsi.trust;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.security.auth.x500.X500Principal;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

import eu.emi.security.authn.x509.helpers.trust.OpensslTruststoreHelper;

/**
 * A trust directory in the Globus/IGTF layout ({@code X509_CERT_DIR}, by default
 * {@code /etc/grid-security/certificates}): {@code <hash>.0} CA certificates named by OpenSSL's new-style subject
 * hash, with {@code .signing_policy}, {@code .namespaces}, {@code .info}, {@code .crl_url} and {@code .r0} (CRL)
 * beside them. Every file is written atomically.
 */
public final class TrustDirectory {

    private static final Pattern ANCHOR = Pattern.compile("[0-9a-f]{8}\\.[0-9]+");

    private final Path dir;

    public TrustDirectory(Path dir) {
        this.dir = dir;
    }

    public Path path() {
        return dir;
    }

    /** OpenSSL's subject hash (the {@code openssl x509 -hash} of OpenSSL 1.0 and later). */
    public static String subjectHash(X500Principal subject) {
        return OpensslTruststoreHelper.getOpenSSLCAHash(subject, true);
    }

    /**
     * Installs a CA: certificate, signing policy, namespaces and optionally the IGTF description and CRL URL.
     * The policy files are written before the certificate, so a reader never sees an anchor without its policy.
     *
     * @return the subject hash naming the files
     */
    public String install(X509Certificate ca, NamespacePolicy policy, IgtfInfo info) {
        String hash = subjectHash(ca.getSubjectX500Principal());
        if (!policy.ca().equals(GridDn.of(ca.getSubjectX500Principal()))) {
            throw new GridAuthException(GsiError.NAMESPACE_PATTERN_INVALID, policy.ca().toOpenSsl(),
                    "the policy names another CA than " + GridDn.of(ca.getSubjectX500Principal()).toOpenSsl());
        }
        write(hash + ".signing_policy", policy.toSigningPolicy());
        write(hash + ".namespaces", policy.toNamespaces());
        if (info != null) {
            write(hash + ".info", info.render(ca));
            if (info.crlUrl() != null) {
                write(hash + ".crl_url", info.crlUrl() + "\n");
            }
        }
        write(hash + ".0", Pem.encode(ca));
        return hash;
    }

    /** Installs a CRL as {@code <hash>.r0} after checking that an anchor here signed it. */
    public Path installCrl(X509CRL crl) {
        X509Certificate issuer = anchorFor(crl.getIssuerX500Principal())
                .orElseThrow(() -> new GridAuthException(GsiError.CRL_NOT_FROM_ANCHOR, GridDn.of(crl.getIssuerX500Principal())));
        try {
            crl.verify(issuer.getPublicKey(), Pem.BC);
        } catch (java.security.GeneralSecurityException | IllegalStateException | IllegalArgumentException e) {
            // Bouncy Castle's CRLs throw IllegalStateException for a signature BIT STRING with unused bits (found by
            // CrlFuzzTest): not a signature by the anchor either
            throw new GridAuthException(GsiError.CRL_NOT_FROM_ANCHOR, e, GridDn.of(crl.getIssuerX500Principal()));
        }
        String name = subjectHash(crl.getIssuerX500Principal()) + ".r0";
        write(name, Pem.encode(crl));
        return dir.resolve(name);
    }

    /** Every CA certificate in the directory. */
    public List<X509Certificate> anchors() {
        requireDirectory();
        List<X509Certificate> anchors = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> ANCHOR.matcher(f.getFileName().toString()).matches()).sorted().toList()) {
                anchors.addAll(CredentialFiles.readCertificates(file));
            }
        } catch (IOException e) {
            throw new GridAuthException(GsiError.FILE_UNREADABLE, e, dir, e.getMessage());
        }
        return anchors;
    }

    public Optional<X509Certificate> anchorFor(X500Principal subject) {
        GridDn wanted = GridDn.of(subject);
        return anchors().stream().filter(a -> GridDn.of(a.getSubjectX500Principal()).equals(wanted)).findFirst();
    }

    /** The signing policy of the CA with this subject hash, if the directory has one. */
    public Optional<NamespacePolicy> signingPolicy(String hash) {
        Path file = dir.resolve(hash + ".signing_policy");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(NamespacePolicy.parseSigningPolicy(Files.readString(file, StandardCharsets.UTF_8), file.toString()));
        } catch (IOException e) {
            throw new GridAuthException(GsiError.FILE_UNREADABLE, e, file, e.getMessage());
        }
    }

    /** The CRL URL from {@code <hash>.crl_url}, if present. */
    public Optional<URI> crlUrl(String hash) {
        Path file = dir.resolve(hash + ".crl_url");
        try {
            return Files.isRegularFile(file)
                    ? Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst().map(URI::create)
                    : Optional.empty();
        } catch (IOException e) {
            throw new GridAuthException(GsiError.FILE_UNREADABLE, e, file, e.getMessage());
        }
    }

    private void write(String name, String content) {
        AtomicFiles.write(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8), AtomicFiles.WORLD_READABLE);
    }

    private void requireDirectory() {
        if (!Files.isDirectory(dir)) {
            throw new GridAuthException(GsiError.TRUST_DIRECTORY_MISSING, dir);
        }
    }
}
