package org.gridauth.gridmap.sync;

import java.util.List;

/** A feed response: full or changes, with the cursor to send next time. */
public record FeedResponse(boolean full, String site, String cursor, List<FeedEntry> entries) {
}
