package org.gridauth.gridmap.sync;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import javax.net.ssl.SSLContext;


import org.gridauth.gridmap.GridmapError;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.trust.TrustDirectory;

/**
 * Reads the certificate manager's feed for this site over mutual TLS with the site's host certificate (R-RS-2):
 * {@code GET /v1/feed} or {@code GET /v1/feed?since=<cursor>}, gzip-compressed, streamed through {@link FeedParser}
 * into the caller's sink. A response is accepted only if it is complete ({@code count} last and equal to the entries
 * read) and of format {@code gridauth-feed/1}.
 */
public final class FeedClient implements FeedSource {

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    public FeedClient(URI base, Credential host, Path trustDir, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        try {
            SSLContext tls = org.gridauth.gsi.credential.TlsKeys.clientContext(host, new TrustDirectory(trustDir).anchors());
            this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(timeout).build();
        } catch (GeneralSecurityException | GridAuthException e) {
            throw new GridAuthException(GridmapError.USAGE, "the host credential or trust directory cannot be used for TLS: " + e.getMessage());
        }
    }

    @Override
    public URI uri() {
        return base;
    }

    @Override
    public void read(Optional<String> since, FeedSink sink) throws CursorGone {
        URI uri = base.resolve(since.map(c -> "/v1/feed?since=" + URLEncoder.encode(c, StandardCharsets.UTF_8)).orElse("/v1/feed"));
        HttpResponse<InputStream> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).header("Accept-Encoding", "gzip").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.FEED_UNAVAILABLE, uri, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GridAuthException(GridmapError.FEED_UNAVAILABLE, uri, "interrupted");
        }
        try (InputStream raw = response.body()) {
            if (response.statusCode() == 410) {
                throw new CursorGone();
            }
            if (response.statusCode() != 200) {
                String body = new String(raw.readNBytes(2000), StandardCharsets.UTF_8);
                throw new GridAuthException(GridmapError.FEED_UNAVAILABLE, uri, "HTTP " + response.statusCode() + " " + printable(body));
            }
            boolean gzip = response.headers().firstValue("Content-Encoding").map("gzip"::equalsIgnoreCase).orElse(false);
            try (InputStream in = gzip ? new GZIPInputStream(raw, 65536) : raw) {
                new FeedParser().parse(in, uri, sink);
            }
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.FEED_INVALID, uri, "the response was cut off or is not JSON: " + e.getMessage());
        }
    }

    private static String printable(String text) {
        return text.replaceAll("[^\\x20-\\x7e]", " ").strip();
    }
}
