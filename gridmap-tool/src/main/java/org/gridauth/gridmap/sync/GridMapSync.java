package org.gridauth.gridmap.sync;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.gridauth.gridmap.GridmapError;
import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.gridmap.GridMapEntry;

/**
 * {@code gridmap sync} (R-RS-2, R-RS-4): applies the certificate manager's feed to the site's grid-mapfile. Only
 * valid entries with an account from the site's binding rule get a line; revoked, expired, suspended or removed
 * researchers lose theirs. The file is replaced atomically (temporary file, fsync, rename) after a backup of the
 * previous one, and the feed cursor is stored only afterwards, so a failure at any point leaves the old file and
 * the next run repeats the work. A run that would drop more than the safety limit of entries stops unless forced.
 */
public final class GridMapSync {

    /** What one run should do. */
    public record Settings(Path output, Path stateDir, Binding binding, int maxDropPercent, boolean force, boolean dryRun, Optional<String> resource) {
    }

    /** What one run did. */
    public record Outcome(int entries, int added, int removed, int unbound, List<String> rejected, List<String> diff, boolean written, String cursor) {
    }

    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]");

    private final FeedClient feed;
    private final URI source;
    private final Clock clock;

    public GridMapSync(FeedClient feed, URI source, Clock clock) {
        this.feed = feed;
        this.source = source;
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
        FeedResponse response;
        try {
            response = feed.read(state.cursor());
        } catch (FeedClient.CursorGone gone) {
            try {
                response = feed.read(Optional.empty());
            } catch (FeedClient.CursorGone again) {
                throw new GridAuthException(GridmapError.FEED_INVALID, source, "the full feed answered 410");
            }
        }
        Map<String, FeedEntry> next = response.full() ? new LinkedHashMap<>() : new LinkedHashMap<>(state.entries());
        for (FeedEntry entry : response.entries()) {
            if (entry.valid()) {
                next.put(entry.serial(), entry);
            } else {
                next.remove(entry.serial());
            }
        }
        List<String> rejected = new ArrayList<>();
        int unbound = 0;
        Map<String, GridMapEntry> byDn = new TreeMap<>();
        Map<String, String> provenance = new LinkedHashMap<>();
        for (FeedEntry entry : next.values()) {
            if (settings.resource().isPresent() && !entry.resources().contains(settings.resource().get())) {
                continue;
            }
            String dn = entry.subjectDn();
            if (dn == null || !dn.startsWith("/") || CONTROL.matcher(dn).find() || dn.length() > 1024) {
                rejected.add(entry.serial() + ": the subject DN is not a slash-form DN without control characters");
                continue;
            }
            List<String> accounts = settings.binding().accounts(entry);
            if (accounts.isEmpty()) {
                unbound++;
                continue;
            }
            GridMapEntry previous = byDn.get(dn);
            if (previous != null) {
                Set<String> merged = new LinkedHashSet<>(previous.accounts());
                merged.addAll(accounts);
                accounts = List.copyOf(merged);
            }
            byDn.put(dn, new GridMapEntry(dn, accounts));
            provenance.put(dn, clean(entry.hpciId()) + " " + clean(entry.eppn()) + " serial " + clean(entry.serial()) + " until "
                    + clean(entry.notAfter()));
        }
        Set<String> oldLines = existingLines(settings.output());
        StringBuilder text = new StringBuilder();
        text.append("# grid-mapfile written by gridmap sync from ").append(source).append(" at ").append(clock.instant()).append('\n');
        text.append("# feed site ").append(clean(response.site())).append(", cursor ").append(clean(response.cursor())).append('\n');
        text.append("# local changes are overwritten; bind accounts in the site's binding rule instead\n");
        Set<String> newLines = new HashSet<>();
        for (GridMapEntry entry : byDn.values()) {
            String line = entry.toLine();
            newLines.add(line);
            text.append("# ").append(provenance.get(entry.dn())).append('\n').append(line).append('\n');
        }
        List<String> diff = new ArrayList<>();
        int removed = 0;
        for (String line : oldLines) {
            if (!newLines.contains(line)) {
                removed++;
                diff.add("- " + line);
            }
        }
        int added = 0;
        for (String line : newLines) {
            if (!oldLines.contains(line)) {
                added++;
                diff.add("+ " + line);
            }
        }
        if (!settings.force() && !oldLines.isEmpty() && (long) removed * 100 > (long) settings.maxDropPercent() * oldLines.size()) {
            throw new GridAuthException(GridmapError.SAFETY_LIMIT, removed, oldLines.size(), removed * 100 / oldLines.size(), settings.maxDropPercent());
        }
        if (settings.dryRun()) {
            return new Outcome(byDn.size(), added, removed, unbound, rejected, diff, false, response.cursor());
        }
        if (Files.isRegularFile(settings.output())) {
            try {
                AtomicFiles.write(backupOf(settings.output()), Files.readAllBytes(settings.output()), AtomicFiles.WORLD_READABLE);
            } catch (IOException e) {
                throw new GridAuthException(GridmapError.GRIDMAP_UNREADABLE, settings.output(), e.getMessage());
            }
        }
        AtomicFiles.write(settings.output(), text.toString().getBytes(StandardCharsets.UTF_8), AtomicFiles.WORLD_READABLE);
        new SyncState(Optional.of(response.cursor()), next).save(settings.stateDir());
        return new Outcome(byDn.size(), added, removed, unbound, rejected, diff, true, response.cursor());
    }

    static Path backupOf(Path output) {
        return output.resolveSibling(output.getFileName() + ".bak");
    }

    /** The entry lines of the current grid-mapfile (comments and blank lines ignored). */
    private static Set<String> existingLines(Path output) {
        if (!Files.isRegularFile(output)) {
            return Set.of();
        }
        Set<String> lines = new HashSet<>();
        try (var reader = Files.newBufferedReader(output, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    lines.add(l);
                }
            }
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.GRIDMAP_UNREADABLE, output, e.getMessage());
        }
        return lines;
    }

    /** Provenance text goes into a comment line: no line breaks or control characters may reach the file. */
    private static String clean(String value) {
        return value == null ? "-" : CONTROL.matcher(value).replaceAll("?");
    }
}
