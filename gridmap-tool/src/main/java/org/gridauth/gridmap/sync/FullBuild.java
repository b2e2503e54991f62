package org.gridauth.gridmap.sync;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The grid-mapfile built from a full feed, in memory proportional to the file it becomes: each bound certificate is
 * appended as bytes (key, accounts, provenance comment) to an arena of large chunks, and only a {@code long} position
 * per certificate is kept beside it. The positions are then sorted by key (ties in feed order) and the blocks
 * emitted in order, lines for the same DN merged.
 */
final class FullBuild {

    /** Receives the blocks in file order. */
    interface BlockSink {
        /** @param line the entry line without its line end */
        void block(byte[] line, List<byte[]> comments);
    }

    /**
     * Below the garbage collector's humongous-object size for small heaps (half a 1 MiB G1 region), so that the arena
     * packs into the heap without waste and never needs a copy to grow.
     */
    private static final int CHUNK = 256 << 10;

    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] chunk = new byte[CHUNK];
    private int used;
    private long[] positions = new long[1024];
    private int count;
    private boolean sorted;

    int certificates() {
        return count;
    }

    void add(byte[] key, List<String> accounts, byte[] comment) {
        if (sorted) {
            throw new IllegalStateException("already emitted");
        }
        byte[] acc = String.join(",", accounts).getBytes(StandardCharsets.UTF_8);
        int size = 12 + key.length + acc.length + comment.length;
        if (used + size > chunk.length) {
            chunks.add(chunk);
            chunk = new byte[Math.max(CHUNK, size)];
            used = 0;
        }
        int at = used;
        putInt(at, key.length);
        putInt(at + 4, acc.length);
        putInt(at + 8, comment.length);
        System.arraycopy(key, 0, chunk, at + 12, key.length);
        System.arraycopy(acc, 0, chunk, at + 12 + key.length, acc.length);
        System.arraycopy(comment, 0, chunk, at + 12 + key.length + acc.length, comment.length);
        used += size;
        if (count == positions.length) {
            positions = Arrays.copyOf(positions, count * 2);
        }
        positions[count++] = ((long) chunks.size() << 32) | at;
    }

    private void putInt(int at, int value) {
        chunk[at] = (byte) (value >>> 24);
        chunk[at + 1] = (byte) (value >>> 16);
        chunk[at + 2] = (byte) (value >>> 8);
        chunk[at + 3] = (byte) value;
    }

    private static int getInt(byte[] c, int at) {
        return (c[at] & 0xff) << 24 | (c[at + 1] & 0xff) << 16 | (c[at + 2] & 0xff) << 8 | (c[at + 3] & 0xff);
    }

    private byte[] chunkOf(long position) {
        int index = (int) (position >>> 32);
        return index == chunks.size() ? chunk : chunks.get(index);
    }

    /** The key at {@code (c, o)} of length {@code keyLength} against the key of {@code other}. */
    private int compare(byte[] c, int o, int keyLength, long other) {
        byte[] cb = chunkOf(other);
        int ob = (int) other;
        return Blocks.compare(c, o + 12, o + 12 + keyLength, cb, ob + 12, ob + 12 + getInt(cb, ob));
    }

    private int compare(long a, long b) {
        byte[] ca = chunkOf(a);
        byte[] cb = chunkOf(b);
        int oa = (int) a;
        int ob = (int) b;
        int c = Blocks.compare(ca, oa + 12, oa + 12 + getInt(ca, oa), cb, ob + 12, ob + 12 + getInt(cb, ob));
        return c != 0 ? c : Long.compare(a, b);
    }

    /** Sorts and hands every block to {@code sink}; returns the number of blocks (grid-mapfile entries). */
    int emit(BlockSink sink) {
        if (!sorted) {
            positions = Arrays.copyOf(positions, count);
            mergeSort(positions, new long[count], 0, count);
            sorted = true;
        }
        long[] sorted = positions;
        int blocks = 0;
        int i = 0;
        while (i < count) {
            long first = sorted[i];
            byte[] c = chunkOf(first);
            int o = (int) first;
            int keyLength = getInt(c, o);
            if (i + 1 == count || compare(c, o, keyLength, sorted[i + 1]) != 0) {
                // One certificate for this DN, the usual case: the line straight from the arena.
                int a = getInt(c, o + 4);
                int m = getInt(c, o + 8);
                byte[] line = new byte[keyLength + 1 + a];
                System.arraycopy(c, o + 12, line, 0, keyLength);
                line[keyLength] = ' ';
                System.arraycopy(c, o + 12 + keyLength, line, keyLength + 1, a);
                sink.block(line, List.of(Arrays.copyOfRange(c, o + 12 + keyLength + a, o + 12 + keyLength + a + m)));
                blocks++;
                i++;
                continue;
            }
            Set<String> accounts = new LinkedHashSet<>();
            List<byte[]> comments = new ArrayList<>(1);
            int j = i;
            while (j < count) {
                long p = sorted[j];
                byte[] cp = chunkOf(p);
                int op = (int) p;
                if (j > i && Blocks.compare(c, o + 12, o + 12 + keyLength, cp, op + 12, op + 12 + getInt(cp, op)) != 0) {
                    break;
                }
                int k = getInt(cp, op);
                int a = getInt(cp, op + 4);
                int m = getInt(cp, op + 8);
                for (String account : new String(cp, op + 12 + k, a, StandardCharsets.UTF_8).split(",")) {
                    accounts.add(account);
                }
                comments.add(Arrays.copyOfRange(cp, op + 12 + k + a, op + 12 + k + a + m));
                j++;
            }
            byte[] tail = (" " + String.join(",", accounts)).getBytes(StandardCharsets.UTF_8);
            byte[] line = Arrays.copyOfRange(c, o + 12, o + 12 + keyLength + tail.length);
            System.arraycopy(tail, 0, line, keyLength, tail.length);
            sink.block(line, comments);
            blocks++;
            i = j;
        }
        return blocks;
    }

    private void mergeSort(long[] a, long[] tmp, int from, int to) {
        if (to - from <= 24) {
            for (int i = from + 1; i < to; i++) {
                long v = a[i];
                int j = i - 1;
                while (j >= from && compare(a[j], v) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, tmp, from, mid);
        mergeSort(a, tmp, mid, to);
        if (compare(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        System.arraycopy(a, from, tmp, from, to - from);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            a[k++] = compare(tmp[i], tmp[j]) <= 0 ? tmp[i++] : tmp[j++];
        }
        while (i < mid) {
            a[k++] = tmp[i++];
        }
        while (j < to) {
            a[k++] = tmp[j++];
        }
    }
}
