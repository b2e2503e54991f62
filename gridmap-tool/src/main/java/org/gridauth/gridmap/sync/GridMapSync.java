package org.gridauth.gridmap.sync;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.gridauth.gridmap.GridmapError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * {@code gridmap sync} (R-RS-2, R-RS-4): applies the certificate manager's feed to the site's grid-mapfile. Only
 * valid entries with an account from the site's binding rule get a line; revoked, expired, suspended or removed
 * researchers lose theirs. The file is replaced atomically (temporary file, fsync, rename) with the previous one kept
 * as {@code .bak} (a hard link: the old file is never rewritten, only renamed away from), and the feed cursor is
 * stored only afterwards, so a failure at any point leaves the old file and the next run repeats the work. A run
 * that would drop more than the safety limit of entries stops unless forced.
 *
 * <p>Two paths, both streaming. A full feed (the first run, a snapshot file, a changed binding rule, a grid-mapfile
 * edited by someone else) is parsed entry by entry into a {@link FullBuild}, whose memory is about the size of the
 * file it writes; old and new lines are compared by 64-bit hashes. A changes feed touches only its DNs: each is
 * found in the old file by binary search ({@link MappedGridMap}) and the unchanged ranges between them are copied
 * by the kernel.
 */
public final class GridMapSync {

    /**
     * What one run should do.
     *
     * @param full read the full feed even if an incremental run were possible (binds every researcher again)
     */
    public record Settings(Path output, Path stateDir, Binding binding, int maxDropPercent, boolean force, boolean dryRun, Optional<String> resource,
                           boolean full) {

        public Settings(Path output, Path stateDir, Binding binding, int maxDropPercent, boolean force, boolean dryRun, Optional<String> resource) {
            this(output, stateDir, binding, maxDropPercent, force, dryRun, resource, false);
        }
    }

    /** What one run did; {@code incremental} if only the feed's changes were applied to the old file. */
    public record Outcome(long entries, long added, long removed, long unbound, List<String> rejected, List<String> diff, boolean written, String cursor,
                          boolean incremental) {
    }

    /** The old file is not in the layout an incremental run can patch: read the full feed instead. */
    private static final class NeedsFull extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NeedsFull(String why) {
            super(why, null, false, false);
        }
    }

    private static final int MAX_REJECTED_REPORTED = 1000;

    private final FeedSource feed;
    private final Clock clock;

    public GridMapSync(FeedSource feed, Clock clock) {
        this.feed = feed;
        this.clock = clock;
    }

    public Outcome run(Settings settings) {
        try {
            Files.createDirectories(settings.stateDir());
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.STATE_UNREADABLE, settings.stateDir(), e.getMessage());
        }
        Path lockFile = settings.stateDir().resolve("sync.lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new GridAuthException(GridmapError.SYNC_LOCKED, lockFile);
            }
            return locked(settings);
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.STATE_UNREADABLE, lockFile, e.getMessage());
        } catch (java.nio.channels.OverlappingFileLockException e) {
            throw new GridAuthException(GridmapError.SYNC_LOCKED, lockFile);
        }
    }

    private Outcome locked(Settings settings) {
        SyncState state = SyncState.load(settings.stateDir());
        String fingerprint = fingerprint(settings);
        boolean patchable = !settings.full() && state.cursor().isPresent() && state.settings().equals(fingerprint)
                && !state.written().isEmpty() && state.written().equals(SyncState.identity(settings.output()));
        if (patchable) {
            Reader reader = read(state.cursor(), settings);
            if (reader.full) {
                return full(reader, settings, fingerprint);
            }
            String since = reader.since;
            if (since != null ? !since.equals(state.cursor().get()) : feed instanceof SnapshotFeed) {
                throw new GridAuthException(GridmapError.FEED_INVALID, feed.uri(), "the changes continue from cursor " + since
                        + ", but the last sync stopped at " + state.cursor().get() + "; give a full feed");
            }
            try {
                return incremental(reader, settings, state, fingerprint);
            } catch (NeedsFull e) {
                return full(read(Optional.empty(), settings), settings, fingerprint);
            }
        }
        Reader reader = read(Optional.empty(), settings);
        if (!reader.full) {
            throw new GridAuthException(GridmapError.FEED_INVALID, feed.uri(),
                    "a changes document applies only on top of the sync it continues (cursor " + reader.since + "); give a full feed");
        }
        return full(reader, settings, fingerprint);
    }

    /** Reads the feed; full documents go straight into a {@link FullBuild}, changes are kept (they are few). */
    private Reader read(Optional<String> since, Settings settings) {
        Reader reader = new Reader(settings);
        try {
            feed.read(since, reader);
        } catch (FeedSource.CursorGone gone) {
            reader = new Reader(settings);
            try {
                feed.read(Optional.empty(), reader);
            } catch (FeedSource.CursorGone again) {
                throw new GridAuthException(GridmapError.FEED_INVALID, feed.uri(), "the full feed answered 410");
            }
        }
        return reader;
    }

    /** One certificate's contribution to a DN's line. */
    private record Bound(String serial, byte[] key, List<String> accounts, byte[] comment) {
    }

    private static final class Reader implements FeedSink {
        private final Settings settings;
        boolean full;
        String site;
        String since;
        String cursor;
        final FullBuild build = new FullBuild();
        final List<FeedEntry> changes = new ArrayList<>();
        final List<String> rejected = new ArrayList<>();
        long rejectedCount;
        long unbound;

        Reader(Settings settings) {
            this.settings = settings;
        }

        @Override
        public void begin(boolean full, String site, String since, String cursor) {
            this.full = full;
            this.site = site;
            this.since = since;
            this.cursor = cursor;
        }

        @Override
        public void entry(FeedEntry entry) {
            if (!full) {
                changes.add(entry);
                return;
            }
            if (!entry.valid()) {
                return;
            }
            Bound bound = bind(entry);
            if (bound != null) {
                build.add(bound.key(), bound.accounts(), bound.comment());
            }
        }

        /** The entry's line contribution, or null (out of scope, unbound or rejected, counted). */
        Bound bind(FeedEntry entry) {
            if (settings.resource().isPresent() && !entry.resources().contains(settings.resource().get())) {
                return null;
            }
            byte[] key = Blocks.key(entry.subjectDn());
            if (key == null) {
                rejectedCount++;
                if (rejected.size() < MAX_REJECTED_REPORTED) {
                    rejected.add(Blocks.token(entry.serial()) + ": the subject DN is not a slash-form DN without control characters");
                }
                return null;
            }
            List<String> accounts = settings.binding().accounts(entry);
            if (accounts.isEmpty()) {
                unbound++;
                return null;
            }
            return new Bound(entry.serial(), key, accounts, Blocks.comment(entry, accounts));
        }
    }

    private byte[] header(Reader reader) {
        return ("# grid-mapfile written by gridmap sync from " + Blocks.token(feed.uri().toString()) + " at " + clock.instant() + "\n"
                + "# feed site " + Blocks.token(reader.site) + ", cursor " + Blocks.token(reader.cursor) + "\n"
                + "# local changes are overwritten; bind accounts in the site's binding rule instead\n").getBytes(StandardCharsets.UTF_8);
    }

    private Outcome full(Reader reader, Settings settings, String fingerprint) {
        // Old lines as sorted 64-bit hashes: 8 bytes per line however long the lines are.
        long[] old = oldLineHashes(settings.output(), null);
        long[] fresh = new long[Math.max(16, reader.build.certificates())];
        int[] freshCount = {0};
        AtomicOutput out = settings.dryRun() ? null : AtomicOutput.create(settings.output());
        try {
            if (out != null) {
                out.write(header(reader));
            }
            int entries = reader.build.emit((line, comments) -> {
                fresh[freshCount[0]++] = Blocks.hash(line, 0, line.length);
                if (out != null) {
                    out.write(line);
                    out.write(NEWLINE);
                    for (byte[] comment : comments) {
                        out.write(comment);
                    }
                }
            });
            long[] now = distinctSorted(Arrays.copyOf(fresh, freshCount[0]));
            long removed = missing(old, now);
            long added = missing(now, old);
            checkSafety(settings, removed, old.length);
            List<String> diff = new ArrayList<>();
            if (settings.dryRun()) {
                oldLineHashes(settings.output(), line -> {
                    if (Arrays.binarySearch(now, hash(line)) < 0) {
                        diff.add("- " + line);
                    }
                });
                reader.build.emit((line, comments) -> {
                    if (Arrays.binarySearch(old, Blocks.hash(line, 0, line.length)) < 0) {
                        diff.add("+ " + new String(line, StandardCharsets.UTF_8));
                    }
                });
                return new Outcome(entries, added, removed, reader.unbound, reader.rejected, diff, false, reader.cursor, false);
            }
            commit(out, settings);
            new SyncState(Optional.of(reader.cursor), fingerprint, entries, SyncState.identity(settings.output())).save(settings.stateDir());
            return new Outcome(entries, added, removed, reader.unbound, reader.rejected, diff, true, reader.cursor, false);
        } finally {
            if (out != null) {
                out.close();
            }
        }
    }

    private static final byte[] NEWLINE = {'\n'};

    private Outcome incremental(Reader reader, Settings settings, SyncState state, String fingerprint) {
        // Every changed certificate leaves its DN's block; those still valid and bound come back with their accounts.
        Map<Key, Set<String>> leaving = new TreeMap<>();
        Map<Key, Map<String, Bound>> arriving = new TreeMap<>();
        for (FeedEntry entry : reader.changes) {
            byte[] key = Blocks.key(entry.subjectDn());
            Bound bound = entry.valid() ? reader.bind(entry) : null;
            if (key == null) {
                continue;
            }
            leaving.computeIfAbsent(new Key(key), k -> new LinkedHashSet<>()).add(Blocks.token(entry.serial()));
            if (bound != null) {
                arriving.computeIfAbsent(new Key(key), k -> new LinkedHashMap<>()).put(entry.serial(), bound);
            }
        }
        List<String> diff = new ArrayList<>();
        long added = 0;
        long removed = 0;
        long entries = state.entries();
        try (MappedGridMap old = MappedGridMap.open(settings.output())) {
            if (old == null) {
                throw new NeedsFull("too large to map");
            }
            record Patch(long start, long end, byte[] block) {
            }
            List<Patch> patches = new ArrayList<>();
            for (Map.Entry<Key, Set<String>> change : leaving.entrySet()) {
                MappedGridMap.Block block;
                try {
                    block = old.find(change.getKey().bytes());
                } catch (IllegalStateException e) {
                    throw new NeedsFull(e.getMessage());
                }
                List<String> comments = new ArrayList<>();
                Set<String> accounts = new LinkedHashSet<>();
                for (String comment : block.comments()) {
                    String[] sa = Blocks.serialAndAccounts(comment);
                    if (sa == null) {
                        throw new NeedsFull("not a provenance comment: " + comment);
                    }
                    if (!change.getValue().contains(sa[0])) {
                        comments.add(comment);
                        accounts.addAll(List.of(sa[1].split(",")));
                    }
                }
                for (Bound bound : arriving.getOrDefault(change.getKey(), Map.of()).values()) {
                    comments.add(new String(bound.comment(), StandardCharsets.UTF_8).strip());
                    accounts.addAll(bound.accounts());
                }
                String line = accounts.isEmpty() ? null : new String(change.getKey().bytes(), StandardCharsets.UTF_8) + " " + String.join(",", accounts);
                if (Objects.equals(line, block.line()) && comments.equals(block.comments())) {
                    continue;
                }
                StringBuilder text = new StringBuilder();
                if (line != null) {
                    text.append(line).append('\n');
                    comments.forEach(c -> text.append(c).append('\n'));
                }
                patches.add(new Patch(block.start(), block.end(), text.toString().getBytes(StandardCharsets.UTF_8)));
                if (!Objects.equals(line, block.line())) {
                    if (block.line() != null) {
                        removed++;
                        diff.add("- " + block.line());
                    }
                    if (line != null) {
                        added++;
                        diff.add("+ " + line);
                    }
                }
                entries += (line != null ? 1 : 0) - (block.line() != null ? 1 : 0);
            }
            checkSafety(settings, removed, state.entries());
            if (settings.dryRun()) {
                return new Outcome(entries, added, removed, reader.unbound, reader.rejected, diff, false, reader.cursor, true);
            }
            if (patches.isEmpty()) {
                // Nothing to change (a timer run with no news): only the cursor moves; the file and its header stay.
                new SyncState(Optional.of(reader.cursor), fingerprint, entries, state.written()).save(settings.stateDir());
                return new Outcome(entries, 0, 0, reader.unbound, reader.rejected, diff, false, reader.cursor, true);
            }
            try (AtomicOutput out = AtomicOutput.create(settings.output())) {
                out.write(header(reader));
                long position = old.headerEnd();
                for (Patch patch : patches) {
                    out.copy(old.channel(), position, patch.start());
                    out.write(patch.block());
                    position = patch.end();
                }
                out.copy(old.channel(), position, old.size());
                commit(out, settings);
            }
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.GRIDMAP_UNREADABLE, settings.output(), e.getMessage());
        }
        new SyncState(Optional.of(reader.cursor), fingerprint, entries, SyncState.identity(settings.output())).save(settings.stateDir());
        return new Outcome(entries, added, removed, reader.unbound, reader.rejected, diff, true, reader.cursor, true);
    }

    /** A key with the unsigned byte order of the file's blocks. */
    private record Key(byte[] bytes) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            return Blocks.compare(bytes, 0, bytes.length, other.bytes, 0, other.bytes.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private static void checkSafety(Settings settings, long removed, long oldCount) {
        if (!settings.force() && oldCount > 0 && removed * 100 > (long) settings.maxDropPercent() * oldCount) {
            throw new GridAuthException(GridmapError.SAFETY_LIMIT, removed, oldCount, removed * 100 / oldCount, settings.maxDropPercent());
        }
    }

    /** Keeps the previous file as .bak (a hard link, copied where links are impossible), then renames the new one in. */
    private static void commit(AtomicOutput out, Settings settings) {
        out.commit(() -> {
            Path output = settings.output();
            if (!Files.isRegularFile(output)) {
                return;
            }
            Path backup = backupOf(output);
            Path link = backup.resolveSibling("." + backup.getFileName() + ".link");
            try {
                Files.deleteIfExists(link);
                Files.createLink(link, output);
                Files.move(link, backup, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | UnsupportedOperationException e) {
                try {
                    Files.deleteIfExists(link);
                } catch (IOException ignored) {
                    // the copy below replaces it
                }
                try (AtomicOutput copy = AtomicOutput.create(backup); FileChannel source = FileChannel.open(output, StandardOpenOption.READ)) {
                    copy.copy(source, 0, source.size());
                    copy.commit(() -> { });
                } catch (IOException io) {
                    throw new GridAuthException(GridmapError.GRIDMAP_UNREADABLE, output, io.getMessage());
                }
            }
        });
    }

    static Path backupOf(Path output) {
        return output.resolveSibling(output.getFileName() + ".bak");
    }

    /**
     * The distinct, sorted hashes of the entry lines of the current grid-mapfile (comments and blank lines ignored,
     * lines stripped); each line also to {@code lines} if given (for the dry-run diff).
     */
    private static long[] oldLineHashes(Path output, Consumer<String> lines) {
        if (!Files.isRegularFile(output)) {
            return new long[0];
        }
        long[] hashes = new long[1024];
        int n = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(output), 1 << 16)) {
            byte[] line = new byte[256];
            int length = 0;
            int b;
            do {
                b = in.read();
                if (b == '\n' || b == -1) {
                    int from = 0;
                    int to = length;
                    while (from < to && isBlank(line[from])) {
                        from++;
                    }
                    while (to > from && isBlank(line[to - 1])) {
                        to--;
                    }
                    if (from < to && line[from] != '#') {
                        if (n == hashes.length) {
                            hashes = Arrays.copyOf(hashes, n * 2);
                        }
                        hashes[n++] = Blocks.hash(line, from, to);
                        if (lines != null) {
                            lines.accept(new String(line, from, to - from, StandardCharsets.UTF_8));
                        }
                    }
                    length = 0;
                } else {
                    if (length == line.length) {
                        line = Arrays.copyOf(line, length * 2);
                    }
                    line[length++] = (byte) b;
                }
            } while (b != -1);
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.GRIDMAP_UNREADABLE, output, e.getMessage());
        }
        return distinctSorted(Arrays.copyOf(hashes, n));
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }

    private static long hash(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return Blocks.hash(bytes, 0, bytes.length);
    }

    private static long[] distinctSorted(long[] values) {
        Arrays.sort(values);
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (i == 0 || values[i] != values[i - 1]) {
                values[n++] = values[i];
            }
        }
        return Arrays.copyOf(values, n);
    }

    /** How many of {@code a} are not in {@code b} (both sorted and distinct). */
    private static long missing(long[] a, long[] b) {
        long count = 0;
        int j = 0;
        for (long v : a) {
            while (j < b.length && b[j] < v) {
                j++;
            }
            if (j == b.length || b[j] != v) {
                count++;
            }
        }
        return count;
    }

    /** What decides the lines besides the feed: a change means every researcher must be bound again. */
    private static String fingerprint(Settings settings) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((settings.binding().fingerprint() + "\n" + settings.resource().orElse("") + "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
