package org.gridauth.gridmap.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

import org.gridauth.certmanager.feed.FeedCursor;
import org.gridauth.certmanager.feed.FeedJson;
import org.gridauth.certmanager.registry.AccessStatus;
import org.gridauth.gridmap.cli.ExitCode;
import org.gridauth.gridmap.cli.GridmapCommand;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.gridmap.GridMapFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gridmap sync from a saved feed document ({@code --feed file:...}), written by the certificate manager's own
 * {@link FeedJson}: a full snapshot, then changes applied to the file in place of a full rebuild (R-RS-2, R-RS-4).
 * The incremental result must be byte for byte what a full build of the same state writes, apart from the header.
 */
class SnapshotSyncTest {

    @TempDir
    Path dir;

    private static final Instant NOT_AFTER = Instant.parse("2030-01-01T00:00:00Z");

    private static org.gridauth.certmanager.feed.FeedEntry entry(int n, AccessStatus status) {
        return entry(n, "/C=JP/O=GridAuth Test/OU=Users/CN=User " + n, status);
    }

    private static org.gridauth.certmanager.feed.FeedEntry entry(int n, String dn, AccessStatus status) {
        String id = String.format("hpci%06d", n);
        return new org.gridauth.certmanager.feed.FeedEntry(Integer.toHexString(0x10000 + n), dn, id, "u" + n + "@example.ac.jp", id, "store",
                NOT_AFTER.toEpochMilli(), status, new TreeSet<>(List.of("res-a")));
    }

    private Path feed(String name, String type, FeedCursor since, FeedCursor cursor, List<org.gridauth.certmanager.feed.FeedEntry> entries)
            throws Exception {
        Path file = dir.resolve(name);
        try (OutputStream raw = Files.newOutputStream(file); OutputStream out = name.endsWith(".gz") ? new GZIPOutputStream(raw) : raw;
             FeedJson json = FeedJson.begin(out, type, "site-a", since, cursor)) {
            for (org.gridauth.certmanager.feed.FeedEntry e : entries) {
                json.entry(e);
            }
            json.end(entries.size());
        }
        return file;
    }

    record Run(ExitCode code, String out, String err) {
    }

    private Run sync(Path feed, String... extra) {
        List<String> args = new ArrayList<>(List.of("sync", "--feed", feed.toUri().toString(), "--state", dir.resolve("state").toString(),
                "--output", dir.resolve("grid-mapfile").toString(), "--binding", "template:hpci{hpciNumber}", "--max-drop-percent", "50"));
        args.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExitCode code = new GridmapCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), Clock.systemUTC()).run(args.toArray(String[]::new));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String body(Path file) throws Exception {
        String text = Files.readString(file);
        return text.substring(text.indexOf("\n\"") + 1);
    }

    @Test
    @DisplayName("R-RS-2, R-RS-4: changes from a saved feed patch the grid-mapfile in place; the result equals a full build of the same state")
    void changesPatchTheFile() throws Exception {
        List<org.gridauth.certmanager.feed.FeedEntry> all = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            all.add(entry(i, AccessStatus.VALID));
        }
        // A renewed certificate with the same DN: one line, both certificates in its provenance.
        all.add(new org.gridauth.certmanager.feed.FeedEntry("ffff1", "/C=JP/O=GridAuth Test/OU=Users/CN=User 5", "hpci000005", "u5@example.ac.jp",
                "hpci000005", "store", NOT_AFTER.toEpochMilli(), AccessStatus.VALID, new TreeSet<>(List.of("res-a"))));
        FeedCursor c1 = new FeedCursor(10, 1000);
        Run first = sync(feed("full.json.gz", "full", null, c1, all));
        assertThat(first.code()).as(first.err()).isEqualTo(ExitCode.OK);
        assertThat(first.out()).contains("wrote 200 entries (+200 -0").contains("full feed");
        Path grid = dir.resolve("grid-mapfile");
        assertThat(Files.readString(grid)).contains("\"/C=JP/O=GridAuth Test/OU=Users/CN=User 5\" hpci000005\n# hpci000005 u5@example.ac.jp serial 10005");

        // Changes: a revocation, a new researcher, the first of the two certificates of User 5 superseded, a quote in a new DN.
        FeedCursor c2 = new FeedCursor(20, 2000);
        List<org.gridauth.certmanager.feed.FeedEntry> changes = List.of(entry(7, AccessStatus.REVOKED), entry(201, AccessStatus.VALID),
                entry(5, AccessStatus.SUPERSEDED), entry(202, "/C=JP/O=GridAuth Test/OU=Users/CN=Jiro \"JJ\" Sato", AccessStatus.VALID));
        Run dry = sync(feed("changes.json", "changes", c1, c2, changes), "--dry-run");
        assertThat(dry.out()).contains("- \"/C=JP/O=GridAuth Test/OU=Users/CN=User 7\" hpci000007")
                .contains("+ \"/C=JP/O=GridAuth Test/OU=Users/CN=User 201\" hpci000201").contains("would write 201 entries (+2 -1")
                .contains("changes only");
        Run second = sync(dir.resolve("changes.json"));
        assertThat(second.code()).as(second.err()).isEqualTo(ExitCode.OK);
        assertThat(second.out()).contains("wrote 201 entries (+2 -1").contains("changes only");
        String patched = Files.readString(grid);
        assertThat(patched).doesNotContain("CN=User 7\"").contains("# hpci000005 u5@example.ac.jp serial ffff1").doesNotContain("serial 10005 ");
        assertThat(Files.readString(grid.resolveSibling("grid-mapfile.bak"))).contains("CN=User 7\"");
        GridMapFile file = GridMapFile.read(grid);
        assertThat(file.entries()).hasSize(201);
        assertThat(file.permits(GridDn.fromOpenSsl("/C=JP/O=GridAuth Test/OU=Users/CN=Jiro \"JJ\" Sato"), "hpci000202")).isTrue();

        // No news: the file is left alone, only the cursor moves.
        byte[] unchanged = Files.readAllBytes(grid);
        FeedCursor c3 = new FeedCursor(30, 3000);
        Run quiet = sync(feed("nothing.json", "changes", c2, c3, List.of()));
        assertThat(quiet.out()).contains("unchanged, 201 entries").contains("cursor c1.30.3000");
        assertThat(Files.readAllBytes(grid)).isEqualTo(unchanged);
        assertThat(sync(feed("after.json", "changes", c3, new FeedCursor(40, 4000), List.of(entry(9, AccessStatus.REVOKED)))).out())
                .contains("wrote 200 entries (+0 -1").contains("changes only");
        assertThat(sync(feed("undo.json", "changes", new FeedCursor(40, 4000), new FeedCursor(50, 5000), List.of(entry(9, AccessStatus.VALID)))).out())
                .contains("wrote 201 entries (+1 -0");

        // The same state built in full from a snapshot gives the same blocks.
        List<org.gridauth.certmanager.feed.FeedEntry> state = new ArrayList<>(all);
        state.removeIf(e -> e.serial().equals("10007") || e.serial().equals("10005"));
        state.add(changes.get(1));
        state.add(changes.get(3));
        Path fullDir = Files.createDirectories(dir.resolve("full"));
        List<String> args = List.of("sync", "--feed", feed("state.json", "full", null, c2, state).toUri().toString(), "--state",
                fullDir.resolve("state").toString(), "--output", fullDir.resolve("grid-mapfile").toString(), "--binding", "template:hpci{hpciNumber}");
        assertThat(new GridmapCommand(new PrintStream(OutputStream.nullOutputStream()), System.err, Map.of(), Clock.systemUTC())
                .run(args.toArray(String[]::new))).isEqualTo(ExitCode.OK);
        assertThat(body(grid)).isEqualTo(body(fullDir.resolve("grid-mapfile")));

        // (Globus' grid-mapfile-check-consistency wants the accounts to exist here: GridMapSyncTest runs it.)
        assertThat(new GridmapCommand(new PrintStream(OutputStream.nullOutputStream()), System.err, Map.of(), Clock.systemUTC())
                .run("check", "--no-trust-check", grid.toString())).isEqualTo(ExitCode.OK);
    }

    @Test
    @DisplayName("R-RS-2: a changes document that does not continue the last sync is refused; an edited grid-mapfile makes the next run read in full")
    void continuityAndEdits() throws Exception {
        List<org.gridauth.certmanager.feed.FeedEntry> all = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            all.add(entry(i, AccessStatus.VALID));
        }
        Path full = feed("full.json", "full", null, new FeedCursor(10, 1000), all);
        Path stray = feed("stray.json", "changes", new FeedCursor(3, 300), new FeedCursor(20, 2000), List.of(entry(1, AccessStatus.REVOKED)));
        Run early = sync(stray);
        assertThat(early.code()).isEqualTo(ExitCode.FEED_UNAVAILABLE);
        assertThat(early.err()).contains("GA-GM-012").contains("give a full feed");
        assertThat(sync(full).code()).isEqualTo(ExitCode.OK);
        Path grid = dir.resolve("grid-mapfile");
        byte[] before = Files.readAllBytes(grid);
        assertThat(sync(stray).err()).contains("continue from cursor c1.3.300");
        assertThat(Files.readAllBytes(grid)).isEqualTo(before);

        // A local edit: the file is no longer what sync wrote, so a changes document cannot be applied to it.
        Files.writeString(grid, "\"/C=JP/O=Local/CN=Added By Hand\" root\n", java.nio.file.StandardOpenOption.APPEND);
        Path next = feed("next.json", "changes", new FeedCursor(10, 1000), new FeedCursor(20, 2000), List.of(entry(1, AccessStatus.REVOKED)));
        assertThat(sync(next).err()).contains("GA-GM-012");
        Run again = sync(full);
        assertThat(again.code()).as(again.err()).isEqualTo(ExitCode.OK);
        assertThat(again.out()).contains("full feed").contains("-1");
        assertThat(Files.readString(grid)).doesNotContain("Added By Hand");
        Run cut = sync(Files.write(dir.resolve("cut.json"), Arrays.copyOf(Files.readAllBytes(full), 300)));
        assertThat(cut.code()).isEqualTo(ExitCode.FEED_UNAVAILABLE);
        assertThat(cut.err()).contains("GA-GM-012");
    }

    private static final class Arrays {
        static byte[] copyOf(byte[] b, int n) {
            return java.util.Arrays.copyOf(b, n);
        }
    }
}
