package org.gridauth.certmanager.feed;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Where a site's copy of the feed stands: every change numbered up to {@code change} (certificate changes and
 * registry imports share one commit-ordered counter) and every expiry or project period boundary up to
 * {@code time} (epoch millis) is reflected in it. Sites treat the text ({@code c1.<change>.<time>}) as opaque.
 *
 * <p>{@code time} is not the moment of the read but the last time-based event at or before it (the latest
 * certificate end of validity or project period boundary in the database), so that two reads of an unchanged
 * database give the same cursor, the same bytes and the same ETag. No event lies between {@code time} and the
 * read, so nothing is missed.
 */
public record FeedCursor(long change, long time) {

    private static final Pattern TEXT = Pattern.compile("c1\\.(\\d{1,18})\\.(\\d{1,18})");

    public static FeedCursor parse(String text) {
        Matcher m = TEXT.matcher(text);
        if (!m.matches()) {
            throw new GridAuthException(CertManagerError.FEED_CURSOR_INVALID, printable(text), "expected the form c1.<number>.<number>");
        }
        return new FeedCursor(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    @Override
    public String toString() {
        return "c1." + change + "." + time;
    }

    private static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
