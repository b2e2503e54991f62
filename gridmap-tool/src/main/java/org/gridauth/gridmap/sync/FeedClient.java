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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.gridauth.gridmap.GridmapError;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.trust.TrustDirectory;

/**
 * Reads the certificate manager's feed for this site over mutual TLS with the site's host certificate (R-RS-2):
 * {@code GET /v1/feed} or {@code GET /v1/feed?since=<cursor>}, gzip-compressed, streamed. A response is accepted only
 * if it is complete ({@code count} last and equal to the entries read) and of format {@code gridauth-feed/1}.
 */
public final class FeedClient {

    /** The certificate manager no longer knows the cursor (410): read the full feed. */
    public static final class CursorGone extends Exception {
        private static final long serialVersionUID = 1L;
    }

    private static final String FORMAT = "gridauth-feed/1";

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;
    private final JsonFactory json = new JsonFactory();

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

    public FeedResponse read(Optional<String> since) throws CursorGone {
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
                return parse(in, uri);
            }
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.FEED_INVALID, uri, "the response was cut off or is not JSON: " + e.getMessage());
        }
    }

    FeedResponse parse(InputStream in, URI uri) throws IOException {
        String format = null;
        String type = null;
        String site = null;
        String cursor = null;
        Long count = null;
        List<FeedEntry> entries = new ArrayList<>();
        try (JsonParser p = json.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(uri, "not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (count != null) {
                    throw invalid(uri, "members after count");
                }
                switch (name) {
                    case "format" -> format = p.getText();
                    case "type" -> type = p.getText();
                    case "site" -> site = p.getText();
                    case "cursor" -> cursor = p.getText();
                    case "count" -> count = p.getLongValue();
                    case "entries" -> {
                        if (!FORMAT.equals(format)) {
                            throw invalid(uri, "format " + format + " is not " + FORMAT);
                        }
                        if (value != JsonToken.START_ARRAY) {
                            throw invalid(uri, "entries is not an array");
                        }
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            entries.add(entry(p, uri));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
        if (!FORMAT.equals(format)) {
            throw invalid(uri, "format " + format + " is not " + FORMAT);
        }
        if (count == null || count != entries.size()) {
            throw invalid(uri, "the response is incomplete (count " + count + ", " + entries.size() + " entries)");
        }
        if (cursor == null || !("full".equals(type) || "changes".equals(type))) {
            throw invalid(uri, "cursor or type missing");
        }
        return new FeedResponse("full".equals(type), site, cursor, entries);
    }

    private static FeedEntry entry(JsonParser p, URI uri) throws IOException {
        String serial = null;
        String dn = null;
        String hpciId = null;
        String eppn = null;
        String local = null;
        String location = null;
        String notAfter = null;
        String status = null;
        List<String> resources = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "serial" -> serial = p.getText();
                case "subjectDn" -> dn = p.getText();
                case "hpciId" -> hpciId = p.getText();
                case "eppn" -> eppn = p.getText();
                case "localAccount" -> local = p.getText();
                case "location" -> location = p.getText();
                case "notAfter" -> notAfter = p.getText();
                case "status" -> status = p.getText();
                case "resources" -> {
                    if (value == JsonToken.START_ARRAY) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            resources.add(p.getText());
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (serial == null || status == null) {
            throw invalid(uri, "an entry without serial or status");
        }
        return new FeedEntry(serial, dn, hpciId, eppn, local, location, notAfter, status, List.copyOf(resources));
    }

    private static GridAuthException invalid(URI uri, String problem) {
        return new GridAuthException(GridmapError.FEED_INVALID, uri, problem);
    }

    private static String printable(String text) {
        return text.replaceAll("[^\\x20-\\x7e]", " ").strip();
    }
}
