package org.gridauth.gridmap.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.gridauth.gridmap.GridmapError;
import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.error.GridAuthException;

/**
 * What the last run left, kept small in {@code <state dir>/sync-state.json}: the feed cursor, a fingerprint of the
 * settings that decided the lines (binding rule, resource), the number of entries, and the identity of the
 * grid-mapfile it wrote (size, modification time, inode). The grid-mapfile itself holds the rest (see
 * {@link Blocks}); if it was changed by anyone else, or the settings changed, the next run reads the full feed.
 */
public record SyncState(Optional<String> cursor, String settings, long entries, String written) {

    static final String FILE = "sync-state.json";
    /** Left by versions that kept every entry in the state; read no more, removed at the next save. */
    static final String OLD_FILE = "feed-state.json.gz";
    /** Jackson's streaming layer only: the object mapper's start-up would be most of a small incremental run. */
    private static final JsonFactory JSON = new JsonFactory();

    static SyncState empty() {
        return new SyncState(Optional.empty(), "", 0, "");
    }

    public static SyncState load(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return empty();
        }
        try (JsonParser p = JSON.createParser(file.toFile())) {
            Map<String, String> m = new java.util.HashMap<>();
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value.isStructStart()) {
                    p.skipChildren();
                } else {
                    m.put(name, value == JsonToken.VALUE_NULL ? null : p.getText());
                }
            }
            return new SyncState(Optional.ofNullable(m.get("cursor")), String.valueOf(m.get("settings")), Long.parseLong(m.get("entries")),
                    String.valueOf(m.get("written")));
        } catch (IOException | RuntimeException e) {
            throw new GridAuthException(GridmapError.STATE_UNREADABLE, file, e.getMessage());
        }
    }

    /** Written atomically (temporary file, fsync, rename), and only after the grid-mapfile it describes. */
    public void save(Path dir) {
        try {
            java.io.StringWriter text = new java.io.StringWriter();
            try (JsonGenerator g = JSON.createGenerator(text)) {
                g.writeStartObject();
                g.writeStringField("cursor", cursor.orElse(null));
                g.writeStringField("settings", settings);
                g.writeNumberField("entries", entries);
                g.writeStringField("written", written);
                g.writeEndObject();
            }
            AtomicFiles.write(dir.resolve(FILE), text.toString().getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
            Files.deleteIfExists(dir.resolve(OLD_FILE));
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.STATE_UNREADABLE, dir.resolve(FILE), "cannot write it: " + e.getMessage());
        }
    }

    /** Size, modification time to the nanosecond and file key (device and inode) of a file; empty if there is none. */
    static String identity(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.size() + "/" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS) + "/" + a.fileKey();
        } catch (IOException e) {
            return "";
        }
    }
}
