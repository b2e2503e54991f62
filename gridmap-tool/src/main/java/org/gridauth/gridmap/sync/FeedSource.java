package org.gridauth.gridmap.sync;

import java.net.URI;
import java.util.Optional;

/** Where {@code gridmap sync} reads the feed from: the certificate manager over HTTPS, or a local snapshot file. */
public interface FeedSource {

    /** The certificate manager no longer knows the cursor (410): read the full feed. */
    final class CursorGone extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /** Reads the changes since {@code since} (or everything), streaming them into {@code sink}. */
    void read(Optional<String> since, FeedSink sink) throws CursorGone;

    URI uri();
}
