package org.gridauth.gridmap.trust;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.gridauth.gridmap.GridmapError;
import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.trust.IgtfInfo;
import org.gridauth.gsi.trust.TrustDirectory;

/**
 * Installs or updates a CA's IGTF-style trust bundle from its repository (R-RS-3, R-CA-6), trusting nothing until
 * the CA certificate's SHA-256 fingerprint equals the one the operator obtained over HTTPS or another trusted
 * channel. The bundle may then come over plain HTTP: the fingerprint is what makes it trustworthy.
 *
 * <p>The archive is checked completely before anything is written: only regular files named
 * {@code <hash>.0|.signing_policy|.namespaces|.crl_url|.info|.r0} for one CA, the hash matching the certificate's
 * subject, the certificate a self-signed CA, a CRL (if any) signed by it. The anchor {@code <hash>.0} is written
 * last, so an interrupted install never leaves an anchor without its signing policy.
 */
public final class TrustInstaller {

    /** What was installed. */
    public record Installed(String hash, String subject, String sha256, List<Path> files) {
    }

    private static final Pattern ENTRY = Pattern.compile("(?:\\./)?([0-9a-f]{8})\\.(0|signing_policy|namespaces|crl_url|info|r0)");
    private static final int MAX_BUNDLE = 16 * 1024 * 1024;

    private final HttpClient http;
    private final Duration timeout;

    public TrustInstaller(Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.timeout = timeout;
    }

    /**
     * @param source      the CA repository's base URL (…/trust-bundle.tar.gz is appended) or the bundle's own URL
     * @param fingerprint the CA certificate's SHA-256 fingerprint as openssl or the CA page print it
     */
    public Installed install(URI source, String fingerprint, Path trustDir) {
        URI bundle = source.getPath() != null && source.getPath().endsWith(".tar.gz") ? source
                : URI.create(source.toString().endsWith("/") ? source + "trust-bundle.tar.gz" : source + "/trust-bundle.tar.gz");
        Map<String, byte[]> files = unpack(bundle, download(bundle));
        String hash = files.keySet().iterator().next().substring(0, 8);
        byte[] anchor = files.get(hash + ".0");
        if (anchor == null) {
            throw new GridAuthException(GridmapError.BUNDLE_INVALID, bundle, "it holds no CA certificate (" + hash + ".0)");
        }
        X509Certificate ca;
        try {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(anchor));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new GridAuthException(GridmapError.BUNDLE_INVALID, bundle, hash + ".0 is not a certificate");
        }
        String actual = IgtfInfo.fingerprint(ca, "SHA-256");
        if (!normalise(actual).equals(normalise(fingerprint))) {
            throw new GridAuthException(GridmapError.FINGERPRINT_MISMATCH, actual, fingerprint);
        }
        if (!TrustDirectory.subjectHash(ca.getSubjectX500Principal()).equals(hash)) {
            throw new GridAuthException(GridmapError.BUNDLE_INVALID, bundle, "the file name " + hash + ".0 is not the subject hash of the certificate");
        }
        if (ca.getBasicConstraints() < 0) {
            throw new GridAuthException(GridmapError.BUNDLE_INVALID, bundle, "the certificate is not a CA certificate");
        }
        try {
            ca.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new GridAuthException(GridmapError.BUNDLE_INVALID, bundle, "the CA certificate is not self-signed (install its root instead)");
        }
        byte[] crlBytes = files.get(hash + ".r0");
        if (crlBytes != null) {
            try {
                X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(crlBytes));
                crl.verify(ca.getPublicKey());
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new GridAuthException(GridmapError.BUNDLE_INVALID, bundle, "its CRL is not signed by the CA");
            }
        }
        try {
            Files.createDirectories(trustDir);
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.TRUST_DIRECTORY_UNUSABLE, trustDir, e.getMessage());
        }
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            if (!file.getKey().endsWith(".0")) {
                written.add(write(trustDir, file.getKey(), file.getValue()));
            }
        }
        written.add(write(trustDir, hash + ".0", anchor));
        return new Installed(hash, GridDn.of(ca.getSubjectX500Principal()).toOpenSsl(), actual, written);
    }

    private static Path write(Path dir, String name, byte[] content) {
        Path target = dir.resolve(name);
        try {
            AtomicFiles.write(target, content, AtomicFiles.WORLD_READABLE);
        } catch (GridAuthException | java.io.UncheckedIOException e) {
            throw new GridAuthException(GridmapError.TRUST_DIRECTORY_UNUSABLE, dir, e.getMessage());
        }
        return target;
    }

    /** Hex digits only, upper case: accepts "AB:CD:…", "abcd…" and openssl's "sha256 Fingerprint=AB:…". */
    static String normalise(String fingerprint) {
        String text = fingerprint == null ? "" : fingerprint;
        int eq = text.indexOf('=');
        if (eq >= 0) {
            text = text.substring(eq + 1);
        }
        if (text.toLowerCase(Locale.ROOT).startsWith("sha256:")) {
            text = text.substring(7);
        }
        return text.replaceAll("[^0-9A-Fa-f]", "").toUpperCase(Locale.ROOT);
    }

    private byte[] download(URI bundle) {
        try {
            if ("file".equals(bundle.getScheme())) {
                return Files.readAllBytes(Path.of(bundle));
            }
            if (!"http".equals(bundle.getScheme()) && !"https".equals(bundle.getScheme())) {
                throw new GridAuthException(GridmapError.BUNDLE_DOWNLOAD_FAILED, bundle, "only http, https and file URLs are supported");
            }
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(bundle).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new GridAuthException(GridmapError.BUNDLE_DOWNLOAD_FAILED, bundle, "HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.BUNDLE_DOWNLOAD_FAILED, bundle, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GridAuthException(GridmapError.BUNDLE_DOWNLOAD_FAILED, bundle, "interrupted");
        }
    }

    /** The bundle's files by name; refuses anything but the expected flat files of one CA. */
    private static Map<String, byte[]> unpack(URI bundle, byte[] data) {
        Map<String, byte[]> files = new TreeMap<>();
        String hash = null;
        long total = 0;
        try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(data));
             TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isDirectory() && (entry.getName().equals("./") || entry.getName().equals("."))) {
                    continue;
                }
                var m = ENTRY.matcher(entry.getName());
                boolean regular = entry.getLinkFlag() == TarArchiveEntry.LF_NORMAL || entry.getLinkFlag() == TarArchiveEntry.LF_OLDNORM;
                if (!regular || !m.matches()) {
                    throw new GridAuthException(GridmapError.BUNDLE_INVALID, bundle, "unexpected entry \"" + printable(entry.getName()) + "\"");
                }
                if (hash != null && !hash.equals(m.group(1))) {
                    throw new GridAuthException(GridmapError.BUNDLE_INVALID, bundle, "it holds files of more than one CA");
                }
                hash = m.group(1);
                total += entry.getSize();
                if (total > MAX_BUNDLE) {
                    throw new GridAuthException(GridmapError.BUNDLE_INVALID, bundle, "it is larger than " + MAX_BUNDLE + " bytes");
                }
                files.put(hash + "." + m.group(2), tar.readAllBytes());
            }
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.BUNDLE_INVALID, bundle, "it is not a tar.gz archive: " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new GridAuthException(GridmapError.BUNDLE_INVALID, bundle, "it is empty");
        }
        return files;
    }

    private static String printable(String name) {
        return name.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
