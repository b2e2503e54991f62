package org.gridauth.gridmap.sync;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import org.gridauth.gridmap.GridmapError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * {@code --feed file:/path/feed.json[.gz]}: a feed document saved from the certificate manager (the body of
 * {@code GET /v1/feed}, gzip-compressed or not), for sites that carry the mapping data in by other means and for
 * measuring. A full document replaces everything; a changes document applies only on top of the run whose cursor
 * is its {@code since}, which {@link GridMapSync} checks.
 */
public final class SnapshotFeed implements FeedSource {

    private final Path file;
    private final URI uri;

    public SnapshotFeed(URI uri) {
        this.uri = uri;
        this.file = Path.of(uri);
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public void read(Optional<String> since, FeedSink sink) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            try (InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw) {
                new FeedParser().parse(in, uri, sink);
            }
        } catch (NoSuchFileException e) {
            throw new GridAuthException(GridmapError.FEED_UNAVAILABLE, uri, "no such file");
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.FEED_INVALID, uri, "cut off or not JSON: " + e.getMessage());
        }
    }
}
