package org.gridauth.gridmap.sync;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A grid-mapfile written by {@code gridmap sync} ({@link Blocks}' layout), mapped read-only so that an incremental
 * run finds the blocks it changes by binary search over byte offsets, reading a few hundred bytes per probe,
 * instead of reading the file.
 */
final class MappedGridMap implements AutoCloseable {

    /** One block: {@code [start, end)} in the file, its entry line and its provenance comments. */
    record Block(long start, long end, String line, List<String> comments) {
    }

    private final FileChannel channel;
    private final MappedByteBuffer map;
    private final int size;
    private final int headerEnd;

    private MappedGridMap(FileChannel channel, MappedByteBuffer map, int size) {
        this.channel = channel;
        this.map = map;
        this.size = size;
        this.headerEnd = blockAtOrAfter(0);
    }

    /** Null if the file is too large to map in one piece (2 GiB); the caller then rebuilds it in full. */
    static MappedGridMap open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        long size = channel.size();
        if (size >= Integer.MAX_VALUE) {
            channel.close();
            return null;
        }
        return new MappedGridMap(channel, channel.map(FileChannel.MapMode.READ_ONLY, 0, size), (int) size);
    }

    FileChannel channel() {
        return channel;
    }

    long size() {
        return size;
    }

    long headerEnd() {
        return headerEnd;
    }

    /** The first block starting at or after {@code p}: the next line start that is neither a comment nor blank. */
    private int blockAtOrAfter(int p) {
        if (p > 0 && p < size && map.get(p - 1) != '\n') {
            p = lineEnd(p) + 1;
        }
        while (p < size) {
            byte b = map.get(p);
            if (b != '#' && b != '\n' && b != ' ' && b != '\t' && b != '\r') {
                return p;
            }
            p = lineEnd(p) + 1;
        }
        return size;
    }

    /** The position of the line end at or after {@code p} (size if the file ends without one). */
    private int lineEnd(int p) {
        while (p < size && map.get(p) != '\n') {
            p++;
        }
        return p;
    }

    /** The key (quoted DN) of the entry line at {@code p}; null if the line does not start with a quoted DN. */
    private byte[] keyAt(int p) {
        if (map.get(p) != '"') {
            return null;
        }
        int i = p + 1;
        while (i < size) {
            byte b = map.get(i);
            if (b == '\\') {
                i += 2;
            } else if (b == '"') {
                byte[] key = new byte[i + 1 - p];
                map.get(p, key);
                return key;
            } else if (b == '\n') {
                return null;
            } else {
                i++;
            }
        }
        return null;
    }

    /**
     * The block of {@code key}, or an empty block at the position where it would be inserted.
     *
     * @throws IllegalStateException if a line on the way is not in sync's layout (the caller rebuilds in full)
     */
    Block find(byte[] key) {
        // Invariant: blocks starting before lo have smaller keys, blocks starting at or after hi have keys >= key.
        int lo = headerEnd;
        int hi = size;
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            int s = blockAtOrAfter(mid);
            if (s >= hi) {
                hi = mid;
                continue;
            }
            byte[] k = keyOf(s);
            if (Blocks.compare(k, 0, k.length, key, 0, key.length) < 0) {
                lo = s + 1;
            } else {
                hi = s;
            }
        }
        int start = blockAtOrAfter(lo);
        if (start < size) {
            byte[] k = keyOf(start);
            if (Blocks.compare(k, 0, k.length, key, 0, key.length) == 0) {
                int lineEnd = lineEnd(start);
                String line = text(start, lineEnd).strip();
                List<String> comments = new ArrayList<>(2);
                int p = lineEnd + 1;
                int end = blockAtOrAfter(Math.min(p, size));
                while (p < end) {
                    int e = lineEnd(p);
                    String comment = text(p, e).strip();
                    if (!comment.isEmpty()) {
                        comments.add(comment);
                    }
                    p = e + 1;
                }
                return new Block(start, end, line, comments);
            }
        }
        return new Block(start, start, null, List.of());
    }

    private byte[] keyOf(int s) {
        byte[] k = keyAt(s);
        if (k == null) {
            throw new IllegalStateException("line at byte " + s + " is not a quoted DN");
        }
        return k;
    }

    private String text(int from, int to) {
        byte[] bytes = new byte[to - from];
        map.get(from, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
