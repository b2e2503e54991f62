package org.gridauth.gsissh.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.gridauth.gsi.gridmap.GridMapFile;
import org.gridauth.gsissh.GsisshError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grid-mapfile, re-read whenever its modification time changes (gridmap sync replaces it atomically). A file
 * that cannot be read or parsed maps nobody until it is fixed, and says so in the log once per change.
 */
public final class GridMapSource {

    private static final Logger LOG = LoggerFactory.getLogger(GridMapSource.class);

    private final Path file;
    private FileTime loadedAt;
    private GridMapFile current = empty();

    public GridMapSource(Path file) {
        this.file = file;
    }

    public synchronized GridMapFile current() {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            if (loadedAt != null || current.entries().size() > 0) {
                LOG.error("{}", new org.gridauth.gsi.error.GridAuthException(GsisshError.GRIDMAP_UNREADABLE, file, "it does not exist").getMessage());
            }
            loadedAt = null;
            current = empty();
            return current;
        }
        if (!modified.equals(loadedAt)) {
            loadedAt = modified;
            try {
                current = GridMapFile.read(file);
                LOG.info("grid-mapfile {} loaded: {} entries", file, current.entries().size());
            } catch (IOException | GridMapFile.MalformedLine e) {
                LOG.error("{}", new org.gridauth.gsi.error.GridAuthException(GsisshError.GRIDMAP_UNREADABLE, file, e.getMessage()).getMessage());
                current = empty();
            }
        }
        return current;
    }

    private static GridMapFile empty() {
        try {
            return GridMapFile.parse("", "(none)");
        } catch (GridMapFile.MalformedLine e) {
            throw new IllegalStateException(e);
        }
    }
}
