package org.gridauth.gridmap.sync;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.gridauth.gridmap.GridmapError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Reads a {@code gridauth-feed/1} document with Jackson's streaming parser, handing each entry to a {@link FeedSink}
 * as soon as it is read: memory does not grow with the feed. Members must come in the order the certificate manager
 * writes them ({@code format}, {@code type}, {@code site}, {@code since}, {@code cursor} before {@code entries});
 * the document is accepted only if {@code count} comes last and equals the entries read, so a response cut off in
 * the middle is refused even though its entries were already handed over.
 */
public final class FeedParser {

    static final String FORMAT = "gridauth-feed/1";

    private final JsonFactory json = new JsonFactory();

    public void parse(InputStream in, URI uri, FeedSink sink) throws IOException {
        String format = null;
        String type = null;
        String site = null;
        String since = null;
        String cursor = null;
        Long count = null;
        long read = 0;
        boolean begun = false;
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
                    case "since" -> since = p.getText();
                    case "cursor" -> cursor = p.getText();
                    case "count" -> count = p.getLongValue();
                    case "entries" -> {
                        if (!FORMAT.equals(format)) {
                            throw invalid(uri, "format " + format + " is not " + FORMAT);
                        }
                        if (cursor == null || !("full".equals(type) || "changes".equals(type))) {
                            throw invalid(uri, "cursor or type missing before the entries");
                        }
                        if (value != JsonToken.START_ARRAY || begun) {
                            throw invalid(uri, "entries is not one array");
                        }
                        begun = true;
                        sink.begin("full".equals(type), site, since, cursor);
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            sink.entry(entry(p, uri));
                            read++;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
        if (!FORMAT.equals(format)) {
            throw invalid(uri, "format " + format + " is not " + FORMAT);
        }
        if (count == null || count != read || !begun) {
            throw invalid(uri, "the response is incomplete (count " + count + ", " + read + " entries)");
        }
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
        List<String> resources = new ArrayList<>(2);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "serial" -> serial = text(p);
                case "subjectDn" -> dn = text(p);
                case "hpciId" -> hpciId = text(p);
                case "eppn" -> eppn = text(p);
                case "localAccount" -> local = text(p);
                case "location" -> location = text(p);
                case "notAfter" -> notAfter = text(p);
                case "status" -> status = text(p);
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

    private static String text(JsonParser p) throws IOException {
        return p.currentToken() == JsonToken.VALUE_NULL ? null : p.getText();
    }

    static GridAuthException invalid(URI uri, String problem) {
        return new GridAuthException(GridmapError.FEED_INVALID, uri, problem);
    }
}
