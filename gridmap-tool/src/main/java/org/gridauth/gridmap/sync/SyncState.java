package org.gridauth.gridmap.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

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
    private static final ObjectMapper JSON = new ObjectMapper();

    static SyncState empty() {
        return new SyncState(Optional.empty(), "", 0, "");
    }

    public static SyncState load(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return empty();
        }
        try {
            Map<?, ?> m = JSON.readValue(file.toFile(), Map.class);
            Object cursor = m.get("cursor");
            return new SyncState(Optional.ofNullable(cursor == null ? null : cursor.toString()), String.valueOf(m.get("settings")),
                    ((Number) m.get("entries")).longValue(), String.valueOf(m.get("written")));
        } catch (IOException | RuntimeException e) {
            throw new GridAuthException(GridmapError.STATE_UNREADABLE, file, e.getMessage());
        }
    }

    /** Written atomically (temporary file, fsync, rename), and only after the grid-mapfile it describes. */
    public void save(Path dir) {
        try {
            java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("cursor", cursor.orElse(null));
            m.put("settings", settings);
            m.put("entries", entries);
            m.put("written", written);
            AtomicFiles.write(dir.resolve(FILE), JSON.writeValueAsString(m).getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
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
