package org.gridauth.gridmap.sync;

/**
 * Receives a feed document as it is read, so that a feed of any size is never held as a list of objects: first the
 * header ({@link #begin}), then every entry. The document is complete only when the reader returns normally (its
 * {@code count} checked); a sink must not make anything it received visible before that.
 */
public interface FeedSink {

    /**
     * @param full   a full list ({@code "type":"full"}) rather than the changes since {@code since}
     * @param since  the cursor a changes document continues from (null for a full list)
     * @param cursor the cursor to ask from next time
     */
    void begin(boolean full, String site, String since, String cursor);

    void entry(FeedEntry entry);
}
