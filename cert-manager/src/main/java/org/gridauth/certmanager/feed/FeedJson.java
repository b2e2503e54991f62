package org.gridauth.certmanager.feed;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;

/**
 * The feed's JSON format, version 1 ({@value #FORMAT}), written with Jackson's streaming generator so that a
 * full feed of any size is written in constant memory. Members appear in this order:
 *
 * <pre>
 * {"format":"gridauth-feed/1","type":"full"|"changes","site":"...","since":"&lt;cursor&gt;" (changes only),
 *  "cursor":"&lt;cursor&gt;","entries":[{"serial","subjectDn","hpciId","eppn","localAccount","location","notAfter",
 *  "status","resources":[...]}, ...],"count":N}
 * </pre>
 *
 * {@code count} comes last: a response that ends before it was cut off and must be discarded.
 */
public final class FeedJson implements FeedStore.EntrySink, AutoCloseable {

    public static final String FORMAT = "gridauth-feed/1";
    /** No AUTO_CLOSE_CONTENT: a response cut off by an error must stay incomplete, never be closed into valid JSON. */
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_CONTENT).build();

    private final JsonGenerator out;

    private FeedJson(JsonGenerator out) {
        this.out = out;
    }

    /** Starts a response document: everything up to the entries array. */
    public static FeedJson begin(OutputStream stream, String type, String site, FeedCursor since, FeedCursor cursor) throws IOException {
        JsonGenerator out = JSON.createGenerator(stream, JsonEncoding.UTF8);
        out.writeStartObject();
        out.writeStringField("format", FORMAT);
        out.writeStringField("type", type);
        out.writeStringField("site", site);
        if (since != null) {
            out.writeStringField("since", since.toString());
        }
        out.writeStringField("cursor", cursor.toString());
        out.writeArrayFieldStart("entries");
        return new FeedJson(out);
    }

    @Override
    public void entry(FeedEntry e) throws IOException {
        out.writeStartObject();
        out.writeStringField("serial", e.serial());
        out.writeStringField("subjectDn", e.subjectDn());
        out.writeStringField("hpciId", e.hpciId());
        out.writeStringField("eppn", e.eppn());
        out.writeStringField("localAccount", e.localAccount());
        out.writeStringField("location", e.location());
        out.writeStringField("notAfter", Instant.ofEpochMilli(e.notAfter()).toString());
        out.writeStringField("status", e.status().text());
        out.writeArrayFieldStart("resources");
        for (String resource : e.resources()) {
            out.writeString(resource);
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    /** Ends the document with the count of entries. */
    public void end(long count) throws IOException {
        out.writeEndArray();
        out.writeNumberField("count", count);
        out.writeEndObject();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
