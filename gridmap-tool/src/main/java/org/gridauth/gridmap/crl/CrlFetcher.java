package org.gridauth.gridmap.crl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.gridauth.gridmap.GridmapError;
import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;

/**
 * fetch-crl for a trust directory (R-RS-3): for every CA ({@code <hash>.0}) the CRL URLs come from
 * {@code <hash>.crl_url} (one per line) or the {@code crl_url} of {@code <hash>.info}; the first URL that yields a
 * valid CRL wins. A CRL is installed as {@code <hash>.r0} (PEM, atomically) only if its signature verifies with the
 * CA's key, its issuer is the CA, its nextUpdate is not in the past and its lastUpdate not in the future (both
 * beyond the aging tolerance), and it is not older than the CRL already installed. Anything else leaves the
 * installed CRL as it was and counts as a failure.
 */
public final class CrlFetcher {

    private final HttpClient http;
    private final Duration timeout;
    private final Duration agingTolerance;
    private final Clock clock;
    private final int maxBytes;

    public CrlFetcher(Duration timeout, Duration agingTolerance, Clock clock) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.timeout = timeout;
        this.agingTolerance = agingTolerance;
        this.clock = clock;
        this.maxBytes = 256 * 1024 * 1024;
    }

    /** Every CA of the directory, in hash order. */
    public List<CrlOutcome> refreshAll(Path trustDir) {
        if (!Files.isDirectory(trustDir)) {
            throw new GridAuthException(GridmapError.TRUST_DIRECTORY_UNUSABLE, trustDir, "it is not a directory");
        }
        List<String> hashes;
        try (Stream<Path> files = Files.list(trustDir)) {
            hashes = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9a-f]{8}\\.0")).map(n -> n.substring(0, 8)).sorted().toList();
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.TRUST_DIRECTORY_UNUSABLE, trustDir, e.getMessage());
        }
        List<CrlOutcome> outcomes = new ArrayList<>();
        for (String hash : hashes) {
            outcomes.add(refresh(trustDir, hash));
        }
        return outcomes;
    }

    /** One CA. */
    public CrlOutcome refresh(Path trustDir, String hash) {
        X509Certificate ca;
        try {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(trustDir.resolve(hash + ".0")));
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            return new CrlOutcome(hash, "?", false, "cannot read " + hash + ".0: " + e.getMessage(), true);
        }
        String name = GridDn.of(ca.getSubjectX500Principal()).toOpenSsl();
        List<URI> urls = urls(trustDir, hash);
        if (urls.isEmpty()) {
            return failure(hash, name, new GridAuthException(GridmapError.NO_CRL_URL, hash, name));
        }
        GridAuthException last = null;
        for (URI url : urls) {
            try {
                X509CRL crl = check(download(hash, url), ca, hash, url);
                Path target = trustDir.resolve(hash + ".r0");
                Optional<X509CRL> installed = installed(target);
                if (installed.isPresent() && !newer(crl, installed.get())) {
                    if (sameOrOlderRefusal(crl, installed.get())) {
                        throw new GridAuthException(GridmapError.CRL_INVALID, hash, url, "it is older than the installed CRL (lastUpdate "
                                + installed.get().getThisUpdate().toInstant() + ")");
                    }
                    return new CrlOutcome(hash, name, false, "unchanged (lastUpdate " + crl.getThisUpdate().toInstant() + ") from " + url, false);
                }
                AtomicFiles.write(target, Pem.encode(crl).getBytes(StandardCharsets.US_ASCII), AtomicFiles.WORLD_READABLE);
                int entries = crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
                return new CrlOutcome(hash, name, true, "installed a CRL with " + entries + " entries, nextUpdate "
                        + crl.getNextUpdate().toInstant() + ", from " + url, false);
            } catch (GridAuthException e) {
                last = e;
            }
        }
        return failure(hash, name, last);
    }

    private static CrlOutcome failure(String hash, String name, GridAuthException e) {
        return new CrlOutcome(hash, name, false, e.getMessage(), true);
    }

    /** The URLs of a CA: .crl_url lines, else crl_url in .info (IGTF: several separated by ';'). */
    static List<URI> urls(Path trustDir, String hash) {
        Set<String> found = new LinkedHashSet<>();
        try {
            Path crlUrl = trustDir.resolve(hash + ".crl_url");
            if (Files.isRegularFile(crlUrl)) {
                for (String line : Files.readAllLines(crlUrl, StandardCharsets.UTF_8)) {
                    String url = line.strip();
                    if (!url.isEmpty() && !url.startsWith("#")) {
                        found.add(url);
                    }
                }
            }
            Path info = trustDir.resolve(hash + ".info");
            if (found.isEmpty() && Files.isRegularFile(info)) {
                for (String line : Files.readAllLines(info, StandardCharsets.UTF_8)) {
                    int eq = line.indexOf('=');
                    if (eq > 0 && line.substring(0, eq).strip().equals("crl_url")) {
                        for (String url : line.substring(eq + 1).split(";")) {
                            if (!url.isBlank()) {
                                found.add(url.strip());
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        List<URI> urls = new ArrayList<>();
        for (String url : found) {
            try {
                URI uri = new URI(url);
                if ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()) || "file".equals(uri.getScheme())) {
                    urls.add(uri);
                }
            } catch (java.net.URISyntaxException e) {
                // an unusable line is skipped; no URL at all is reported as GA-GM-002
            }
        }
        return urls;
    }

    private byte[] download(String hash, URI url) {
        try {
            if ("file".equals(url.getScheme())) {
                return Files.readAllBytes(Path.of(url));
            }
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(url).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new GridAuthException(GridmapError.CRL_DOWNLOAD_FAILED, hash, url, "HTTP " + response.statusCode());
            }
            if (response.body().length > maxBytes) {
                throw new GridAuthException(GridmapError.CRL_DOWNLOAD_FAILED, hash, url, "larger than " + maxBytes + " bytes");
            }
            return response.body();
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.CRL_DOWNLOAD_FAILED, hash, url, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GridAuthException(GridmapError.CRL_DOWNLOAD_FAILED, hash, url, "interrupted");
        }
    }

    /** Parses (PEM or DER) and checks the CRL against its CA and the clock. */
    X509CRL check(byte[] data, X509Certificate ca, String hash, URI url) {
        X509CRL crl;
        try {
            crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(data));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new GridAuthException(GridmapError.CRL_INVALID, hash, url, "it is not a CRL (PEM or DER)");
        }
        if (crl == null) {
            throw new GridAuthException(GridmapError.CRL_INVALID, hash, url, "it is not a CRL (PEM or DER)");
        }
        GridDn issuer;
        try {
            issuer = GridDn.of(crl.getIssuerX500Principal());
        } catch (GridAuthException e) {
            // an issuer name the JDK parsed but Bouncy Castle refuses (found by CrlFetcherFuzzTest)
            throw new GridAuthException(GridmapError.CRL_INVALID, hash, url, "its issuer name cannot be read");
        }
        if (!issuer.equals(GridDn.of(ca.getSubjectX500Principal()))) {
            throw new GridAuthException(GridmapError.CRL_INVALID, hash, url, "it was issued by " + issuer.toOpenSsl());
        }
        try {
            crl.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new GridAuthException(GridmapError.CRL_INVALID, hash, url, "its signature does not verify with the CA's key");
        }
        Instant now = clock.instant();
        if (crl.getThisUpdate().toInstant().isAfter(now.plus(agingTolerance))) {
            throw new GridAuthException(GridmapError.CRL_INVALID, hash, url, "its lastUpdate " + crl.getThisUpdate().toInstant() + " is in the future");
        }
        if (crl.getNextUpdate() == null) {
            throw new GridAuthException(GridmapError.CRL_INVALID, hash, url, "it has no nextUpdate");
        }
        if (crl.getNextUpdate().toInstant().isBefore(now.minus(agingTolerance))) {
            throw new GridAuthException(GridmapError.CRL_INVALID, hash, url, "its nextUpdate " + crl.getNextUpdate().toInstant()
                    + " is in the past: the CA has not published a fresh CRL");
        }
        return crl;
    }

    private static Optional<X509CRL> installed(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable((X509CRL) CertificateFactory.getInstance("X.509").generateCRL(Files.newInputStream(file)));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code fresh} replaces {@code installed}: a higher CRL number, or a later lastUpdate. */
    private static boolean newer(X509CRL fresh, X509CRL installed) {
        Optional<BigInteger> a = number(fresh);
        Optional<BigInteger> b = number(installed);
        if (a.isPresent() && b.isPresent() && !a.get().equals(b.get())) {
            return a.get().compareTo(b.get()) > 0;
        }
        return fresh.getThisUpdate().after(installed.getThisUpdate());
    }

    /** Strictly older than what is installed (as opposed to the same CRL fetched again). */
    private static boolean sameOrOlderRefusal(X509CRL fresh, X509CRL installed) {
        Optional<BigInteger> a = number(fresh);
        Optional<BigInteger> b = number(installed);
        if (a.isPresent() && b.isPresent()) {
            return a.get().compareTo(b.get()) < 0;
        }
        return fresh.getThisUpdate().before(installed.getThisUpdate());
    }

    private static Optional<BigInteger> number(X509CRL crl) {
        byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
        if (ext == null) {
            return Optional.empty();
        }
        return Optional.of(ASN1Integer.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getValue());
    }
}
