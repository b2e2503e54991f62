package org.gridauth.certmanager.feed;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.certmanager.registry.AuditRecords;
import org.gridauth.certmanager.registry.Site;
import org.gridauth.certmanager.registry.SiteRegistry;
import org.gridauth.certmanager.server.CertManagerServer;
import org.gridauth.certmanager.store.CmDatabase;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.ErrorCode;
import org.gridauth.gsi.error.GridAuthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/feed[?since=<cursor>]} on the certificate manager's listener (R-CM-3, R-RS-2): the caller's host
 * certificate (validated in the TLS handshake) names the site; the site sees only entries for its own resources.
 * Without {@code since}: the full feed with a strong ETag ({@code If-None-Match} gives 304). With {@code since}: the
 * entries that may have changed since that cursor. Errors are JSON {@code {"error":{"code",...}}} with the
 * GA-CM code; an unknown certificate gets 403 and an audit record. Mount with
 * {@code server.route(FeedHandler.PATH, handler)}.
 */
public final class FeedHandler implements HttpHandler {

    public static final String PATH = "/v1/feed";
    private static final Logger LOG = LoggerFactory.getLogger(FeedHandler.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final FeedStore store;
    private final SiteRegistry sites;
    private final CmDatabase database;
    private final Clock clock;

    public FeedHandler(FeedStore store, SiteRegistry sites, CmDatabase database, Clock clock) {
        this.store = store;
        this.sites = sites;
        this.database = database;
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            // The feed takes no body, but an unread one (a refused POST) would be left in a kept-alive connection
            // and stall the client's next request on it: read it away first, within a bound.
            exchange.getRequestBody().readNBytes(64 * 1024);
            X509Certificate certificate = CertManagerServer.clientCertificate(exchange);
            String caller = certificate == null ? "(no certificate)" : GridDn.of(certificate.getSubjectX500Principal()).toOpenSsl();
            try {
                serve(exchange, certificate, caller);
            } catch (Refused r) {
                refuse(exchange, caller, r.status, r.error);
            } catch (GridAuthException e) {
                refuse(exchange, caller, status(e.code()), e);
            }
        }
    }

    private void serve(HttpExchange exchange, X509Certificate certificate, String caller) throws IOException {
        Site site = (certificate == null ? Optional.<Site>empty() : sites.forCertificate(certificate))
                .orElseThrow(() -> new GridAuthException(CertManagerError.UNKNOWN_SITE, caller));
        if (!exchange.getRequestURI().getPath().equals(PATH)) {
            throw new Refused(404, new GridAuthException(CertManagerError.FEED_REQUEST_INVALID, "no such path "
                    + GridDn.printable(exchange.getRequestURI().getPath())));
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET");
            throw new Refused(405, new GridAuthException(CertManagerError.FEED_REQUEST_INVALID, "method "
                    + GridDn.printable(exchange.getRequestMethod()) + " is not allowed, use GET"));
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        FeedCursor since = query.containsKey("since") ? FeedCursor.parse(query.get("since")) : null;
        boolean gzip = acceptsGzip(exchange.getRequestHeaders().getFirst("Accept-Encoding"));
        try (FeedStore.Snapshot snapshot = store.open(site.siteId())) {
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", "application/json; charset=utf-8");
            headers.set("Cache-Control", "no-cache");
            headers.set("Vary", "Accept-Encoding");
            long count;
            if (since != null && since.change() > snapshot.cursor().change()) {
                throw new GridAuthException(CertManagerError.FEED_CURSOR_AHEAD, since, snapshot.cursor().change());
            }
            if (since == null) {
                String etag = snapshot.etag(gzip ? "gzip" : "identity");
                headers.set("ETag", etag);
                if (matches(exchange.getRequestHeaders().getFirst("If-None-Match"), etag)) {
                    exchange.sendResponseHeaders(304, -1);
                    LOG.debug("feed for site {}: not modified ({})", site.siteId(), snapshot.cursor());
                    return;
                }
            }
            if (gzip) {
                headers.set("Content-Encoding", "gzip");
            }
            exchange.sendResponseHeaders(200, 0);
            OutputStream body = new BufferedOutputStream(exchange.getResponseBody(), 1 << 16);
            if (gzip) {
                body = new GZIPOutputStream(body, 1 << 16);
            }
            try (FeedJson json = FeedJson.begin(body, since == null ? "full" : "changes", site.siteId(), since, snapshot.cursor())) {
                count = since == null ? snapshot.full(json) : snapshot.changesSince(since, json);
                json.end(count);
                // Recorded before the response is closed: a site that has its answer finds the read in the audit trail.
                audit(caller, site.siteId(), "ok", (since == null ? "full" : "changes since " + since) + ": " + count + " entries, cursor " + snapshot.cursor());
            }
            body.close();
            LOG.info("feed for site {}: {} {} entries, cursor {}", site.siteId(), since == null ? "full" : "changes since " + since, count, snapshot.cursor());
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!name.equals("since")) {
                throw new GridAuthException(CertManagerError.FEED_REQUEST_INVALID, "unknown parameter \"" + GridDn.printable(name) + "\" (only since= is defined)");
            }
            if (values.put(name, value) != null) {
                throw new GridAuthException(CertManagerError.FEED_REQUEST_INVALID, "since= given twice");
            }
        }
        return values;
    }

    private static boolean acceptsGzip(String header) {
        if (header == null) {
            return false;
        }
        for (String part : header.split(",")) {
            String[] coding = part.strip().split(";");
            if (coding[0].strip().equalsIgnoreCase("gzip")) {
                return !(coding.length > 1 && coding[1].replace(" ", "").matches("q=0(\\.0*)?"));
            }
        }
        return false;
    }

    /** If-None-Match uses the weak comparison (RFC 9110 13.1.2): a W/ prefix is ignored. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || (tag.startsWith("W/") ? tag.substring(2) : tag).equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static int status(ErrorCode code) {
        if (code == CertManagerError.UNKNOWN_SITE) {
            return 403;
        }
        if (code == CertManagerError.FEED_CURSOR_AHEAD) {
            return 410;
        }
        if (code == CertManagerError.FEED_CURSOR_INVALID || code == CertManagerError.FEED_REQUEST_INVALID) {
            return 400;
        }
        return 503;
    }

    /** A refusal with an HTTP status of its own. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final transient GridAuthException error;

        Refused(int status, GridAuthException error) {
            super(error.getMessage(), null, false, false);
            this.status = status;
            this.error = error;
        }
    }

    private void refuse(HttpExchange exchange, String caller, int status, GridAuthException e) throws IOException {
        if (status == 403) {
            audit(caller, "-", "refused", e.getMessage());
        }
        if (exchange.getResponseCode() != -1) {
            // The entries were being written when the database failed: end the response without its "count", so
            // the site discards it and keeps its current grid-mapfile.
            LOG.error("feed response to {} cut off: {}", caller, e.getMessage());
            return;
        }
        LOG.warn("feed request of {} refused: {}", caller, e.getMessage());
        error(exchange, status, e);
    }

    private void error(HttpExchange exchange, int status, GridAuthException e) throws IOException {
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        try (JsonGenerator out = JSON.createGenerator(buffer, JsonEncoding.UTF8)) {
            out.writeStartObject();
            out.writeObjectFieldStart("error");
            out.writeStringField("code", e.code().code());
            out.writeStringField("message", e.localizedMessage(Locale.ENGLISH));
            out.writeStringField("messageJa", e.localizedMessage(Locale.JAPANESE));
            out.writeStringField("action", e.action(Locale.ENGLISH));
            out.writeStringField("actionJa", e.action(Locale.JAPANESE));
            out.writeEndObject();
            out.writeEndObject();
        }
        byte[] body = buffer.toByteArray();
        exchange.getResponseHeaders().remove("ETag");
        exchange.getResponseHeaders().remove("Content-Encoding");
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private void audit(String caller, String site, String outcome, String detail) {
        try {
            database.inTransaction(c -> {
                AuditRecords.record(c, clock, caller, "feed", site, outcome, detail);
                return null;
            });
        } catch (GridAuthException e) {
            LOG.error("cannot write the audit record of a feed request by {}: {}", caller, e.getMessage());
        }
    }
}
