package org.gridauth.gridmap.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.gridauth.gridmap.GridmapError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * What the site has applied so far: the valid entries by serial and the feed cursor, kept in
 * {@code <state dir>/feed-state.json.gz} and replaced atomically after the grid-mapfile was written.
 */
public final class SyncState {

    private static final String FILE = "feed-state.json.gz";

    private final Optional<String> cursor;
    private final Map<String, FeedEntry> entries;

    public SyncState(Optional<String> cursor, Map<String, FeedEntry> entries) {
        this.cursor = cursor;
        this.entries = entries;
    }

    public Optional<String> cursor() {
        return cursor;
    }

    public Map<String, FeedEntry> entries() {
        return entries;
    }

    public static SyncState load(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return new SyncState(Optional.empty(), new LinkedHashMap<>());
        }
        Map<String, FeedEntry> entries = new LinkedHashMap<>();
        String cursor = null;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 65536);
             JsonParser p = new JsonFactory().createParser(in)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("cursor")) {
                    cursor = p.getText();
                } else if (name.equals("entries")) {
                    while (p.nextToken() == JsonToken.START_ARRAY) {
                        List<String> f = new ArrayList<>();
                        List<String> resources = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (p.currentToken() == JsonToken.START_ARRAY) {
                                while (p.nextToken() != JsonToken.END_ARRAY) {
                                    resources.add(p.getText());
                                }
                            } else {
                                f.add(p.currentToken() == JsonToken.VALUE_NULL ? null : p.getText());
                            }
                        }
                        FeedEntry e = new FeedEntry(f.get(0), f.get(1), f.get(2), f.get(3), f.get(4), f.get(5), f.get(6), "valid", List.copyOf(resources));
                        entries.put(e.serial(), e);
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new GridAuthException(GridmapError.STATE_UNREADABLE, file, e.getMessage());
        }
        return new SyncState(Optional.ofNullable(cursor), entries);
    }

    /** Writes to a temporary file, forces it to disk, then renames it over the old state. */
    public void save(Path dir) {
        Path file = dir.resolve(FILE);
        Path temp = dir.resolve("." + FILE + ".tmp");
        try {
            Files.createDirectories(dir);
            try (OutputStream raw = Files.newOutputStream(temp); GZIPOutputStream gz = new GZIPOutputStream(raw, 65536);
                 JsonGenerator g = new JsonFactory().createGenerator(gz, JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeStringField("cursor", cursor.orElse(null));
                g.writeArrayFieldStart("entries");
                for (FeedEntry e : entries.values()) {
                    g.writeStartArray();
                    for (String v : new String[] {e.serial(), e.subjectDn(), e.hpciId(), e.eppn(), e.localAccount(), e.location(), e.notAfter()}) {
                        g.writeString(v);
                    }
                    g.writeStartArray();
                    for (String r : e.resources()) {
                        g.writeString(r);
                    }
                    g.writeEndArray();
                    g.writeEndArray();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the write failure is what matters
            }
            throw new GridAuthException(GridmapError.STATE_UNREADABLE, file, "cannot write it: " + e.getMessage());
        }
    }
}
