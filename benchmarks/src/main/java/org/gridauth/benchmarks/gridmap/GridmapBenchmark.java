package org.gridauth.benchmarks.gridmap;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.gridauth.certmanager.feed.FeedCursor;
import org.gridauth.certmanager.feed.FeedEntry;
import org.gridauth.certmanager.feed.FeedJson;
import org.gridauth.certmanager.registry.AccessStatus;

/**
 * Issue #8's grid-mapfile figures. Feed documents are written with the certificate manager's own {@link FeedJson}
 * (what {@code GET /v1/feed} sends) and every {@code gridmap sync} runs in a JVM of its own ({@link GridmapRun}), as
 * from cron or the systemd timer:
 * <ol>
 * <li>full generation of N entries (1,000,000) from a local snapshot, plain and gzip-compressed, with the heap limited
 * to show that memory follows the size of the grid-mapfile written; also at N/4 and N/2 for the proportion;</li>
 * <li>an incremental sync of 100 changes (revocations, new researchers, renewals) against the N-entry file;</li>
 * <li>10,000 entries written by gridmap sync vs a shell loop of Debian's {@code grid-mapfile-add-entry} over the same
 * DNs and accounts (accounts that exist here, since the Globus tool checks them).</li>
 * </ol>
 * Usage: {@code GridmapBenchmark <results.md> <classpath of the gridmap runs> [N, default 1000000] [comparison entries, default 10000]};
 * the runs' class path is the runnable jar the Debian package installs plus {@link GridmapRun}.
 */
public final class GridmapBenchmark {

    private static final Instant NOT_AFTER = Instant.parse("2031-03-31T00:00:00Z");
    private static final String[] SYSTEM_ACCOUNTS = {"daemon", "bin", "sys", "nobody"};

    private final Path work;
    private final String classpath;
    private final StringBuilder md = new StringBuilder();

    private GridmapBenchmark(Path work, String classpath) {
        this.work = work;
        this.classpath = classpath;
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        int comparison = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        Path work = Files.createTempDirectory("gridmap-bench");
        try {
            new GridmapBenchmark(work, args[1]).run(results, n, comparison);
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String dn(int i) {
        return "/C=JP/O=HPCI/OU=Users/OU=Institute " + (i % 97) + "/CN=Researcher Name " + String.format("%07d", i);
    }

    private static FeedEntry entry(int i, String serialSuffix, AccessStatus status, String account) {
        String id = String.format("hpci%07d", i);
        return new FeedEntry(Integer.toHexString(0x1000000 + i) + serialSuffix, dn(i), id, "r" + i + "@u" + (i % 97) + ".ac.jp",
                account == null ? id : account, "store", NOT_AFTER.toEpochMilli(), status, new TreeSet<>(List.of("res-a", "res-b")));
    }

    private interface Entries {
        void each(FeedJson json) throws IOException;
    }

    private static void feed(Path file, String type, FeedCursor since, FeedCursor cursor, long count, Entries entries) throws IOException {
        try (OutputStream raw = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
             OutputStream out = file.toString().endsWith(".gz") ? new java.util.zip.GZIPOutputStream(raw, 1 << 16) : raw;
             FeedJson json = FeedJson.begin(out, type, "site-a", since, cursor)) {
            entries.each(json);
            json.end(count);
        }
    }

    /** Researchers 1..n in a shuffled order (the feed is ordered by the certificate manager's keys, not by DN). */
    private Path snapshot(String name, int n, FeedCursor cursor, boolean systemAccounts) throws IOException {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i + 1;
        }
        Random random = new Random(42);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        Path file = work.resolve(name);
        feed(file, "full", null, cursor, n, json -> {
            for (int i : order) {
                json.entry(entry(i, "", AccessStatus.VALID, systemAccounts ? SYSTEM_ACCOUNTS[i % SYSTEM_ACCOUNTS.length] : null));
            }
        });
        return file;
    }

    record Result(int exit, long ms, long wallMs, long heapMb, long rssMb) {
    }

    private Result gridmap(String xmx, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + xmx,
                "-cp", classpath, GridmapRun.class.getName()));
        command.addAll(Arrays.asList(args));
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.MINUTES);
        long wall = (System.nanoTime() - start) / 1_000_000;
        String line = output.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("gridmap run failed: " + output));
        long[] v = Arrays.stream(line.substring(7).split(" ")).mapToLong(kv -> Long.parseLong(kv.substring(kv.indexOf('=') + 1))).toArray();
        if (v[0] != 0) {
            throw new IllegalStateException("gridmap exited " + v[0] + ": " + output);
        }
        return new Result((int) v[0], v[1], wall, v[2], v[3]);
    }

    private String[] sync(Path feed, Path site, String binding, String... extra) {
        List<String> args = new ArrayList<>(List.of("sync", "--feed", feed.toUri().toString(), "--binding", binding, "--state",
                site.resolve("state").toString(), "--output", site.resolve("grid-mapfile").toString(), "--max-drop-percent", "100"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private void run(Path results, int n, int comparison) throws Exception {
        md.append("\n## gridmap sync: ").append(String.format("%,d", n)).append("-entry grid-mapfile, 100 changes, and Globus grid-mapfile-add-entry (")
                .append(LocalDate.now(ZoneOffset.UTC)).append(")\n\n");
        md.append("Command: `benchmarks/run-gridmap-benchmark.sh ").append(n).append(' ').append(comparison).append("` (").append(Runtime.getRuntime()
                .availableProcessors()).append(" CPUs, JDK ").append(System.getProperty("java.version"))
                .append("; every `gridmap sync` in a fresh JVM as cron starts it, from the runnable jar the Debian package installs; -Xmx = the smallest "
                        + "heap in steps of 1.25x from 1.25x the output size that the full sync completes in; feed documents written by the certificate manager's own `FeedJson`; "
                        + "`in-JVM` is the command's own time, `process` includes JVM start; heap peak = sum of the heap pools' peaks, RSS peak = VmHWM).\n\n");

        // 1. Full generation: the proportion at N/4, N/2, N, each with the heap limited to a multiple of its output.
        md.append("| full sync from a snapshot | -Xmx | grid-mapfile size | in-JVM s | process s | heap peak MB | RSS peak MB |\n|---|---|---|---|---|---|---|\n");
        FeedCursor c1 = new FeedCursor(1000, 1_700_000_000_000L);
        Path big = null;
        Path bigSite = null;
        for (int size : new int[] {n / 4, n / 2, n}) {
            Path plain = snapshot("full-" + size + ".json", size, c1, false);
            // The smallest heap, in steps of 1.25, that the full sync runs in, starting at 1.25 times the output's size.
            int mb = Math.max(48, (int) (size / 1_000_000.0 * 240));
            Path site = null;
            Result best = null;
            while (best == null) {
                site = Files.createDirectories(work.resolve("site-" + size + "-" + mb));
                try {
                    best = gridmap(mb + "m", sync(plain, site, "template:hpci{hpciNumber}"));
                } catch (IllegalStateException e) {
                    if (!e.getMessage().contains("OutOfMemoryError")) {
                        throw e;
                    }
                    mb = mb * 5 / 4;
                }
            }
            String xmx = mb + "m";
            for (int run = 1; run < 3; run++) {
                site = Files.createDirectories(work.resolve("site-" + size + "-" + mb + "-" + run));
                Result r = gridmap(xmx, sync(plain, site, "template:hpci{hpciNumber}"));
                best = r.ms() < best.ms() ? r : best;
            }
            long bytes = Files.size(site.resolve("grid-mapfile"));
            row(String.format("%,d entries, plain JSON (%d MB), best of 3", size, Files.size(plain) >> 20), xmx, bytes, best);
            if (size == n) {
                // The same with room to spare: what the work costs when the collector is not squeezed.
                Result roomy = null;
                for (int run = 0; run < 3; run++) {
                    Path s1 = Files.createDirectories(work.resolve("site-roomy-" + run));
                    Result r = gridmap("1g", sync(plain, s1, "template:hpci{hpciNumber}"));
                    roomy = roomy == null || r.ms() < roomy.ms() ? r : roomy;
                }
                row(String.format("%,d entries, plain JSON, best of 3", size), "1g", bytes, roomy);
                Path gz = work.resolve("full-" + size + ".json.gz");
                try (var in = Files.newInputStream(plain); var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz), 1 << 16)) {
                    in.transferTo(out);
                }
                Path gzSite = Files.createDirectories(work.resolve("site-gz"));
                row(String.format("%,d entries, gzip (%d MB)", size, Files.size(gz) >> 20), xmx, bytes,
                        gridmap(xmx, sync(gz, gzSite, "template:hpci{hpciNumber}")));
                big = plain;
                bigSite = site;
            } else {
                Files.delete(plain);
            }
        }

        // 2. 100 changes against the N-entry file, three successive change documents.
        md.append("\n| incremental sync, 100 changes against ").append(String.format("%,d", n))
                .append(" entries | in-JVM s | process s | heap peak MB | RSS peak MB |\n|---|---|---|---|---|\n");
        Random random = new Random(7);
        FeedCursor since = c1;
        for (int round = 1; round <= 3; round++) {
            FeedCursor next = new FeedCursor(since.change() + 100, since.time() + 60_000);
            int r0 = round;
            Path changes = work.resolve("changes-" + round + ".json");
            List<FeedEntry> list = new ArrayList<>();
            for (int k = 0; k < 50; k++) {
                list.add(entry(1 + random.nextInt(n), "", AccessStatus.REVOKED, null));
            }
            for (int k = 0; k < 30; k++) {
                list.add(entry(n + (round - 1) * 30 + k + 1, "", AccessStatus.VALID, null));
            }
            for (int k = 0; k < 20; k++) {
                // A renewal: the old certificate superseded, a new one for the same DN.
                int i = 1 + random.nextInt(n);
                list.add(entry(i, "", AccessStatus.SUPERSEDED, null));
                list.add(entry(i, "r" + r0, AccessStatus.VALID, null));
            }
            feed(changes, "changes", since, next, list.size(), json -> {
                for (FeedEntry e : list) {
                    json.entry(e);
                }
            });
            Result r = gridmap("256m", sync(changes, bigSite, "template:hpci{hpciNumber}"));
            md.append(String.format("| round %d: 50 revocations, 30 new researchers, 20 renewals (%d feed entries) | %.3f | %.3f | %d | %d |%n", round,
                    list.size(), r.ms() / 1000.0, r.wallMs() / 1000.0, r.heapMb(), r.rssMb()));
            since = next;
        }
        Files.delete(big);

        // 3. The same 10,000 DNs and accounts: gridmap sync vs a loop of grid-mapfile-add-entry (0: not run).
        if (comparison == 0) {
            Files.writeString(results, md.toString(), StandardCharsets.UTF_8);
            System.out.print(md);
            return;
        }
        Path small = snapshot("compare.json", comparison, c1, true);
        Path ours = Files.createDirectories(work.resolve("compare"));
        Result mine = gridmap("256m", sync(small, ours, "template:{localAccount}"));
        Path args = work.resolve("add-entry.args");
        try (BufferedWriter w = Files.newBufferedWriter(args)) {
            for (int i = 1; i <= comparison; i++) {
                w.write(dn(i) + "\t" + SYSTEM_ACCOUNTS[i % SYSTEM_ACCOUNTS.length] + "\n");
            }
        }
        Path globusFile = work.resolve("globus-grid-mapfile");
        Files.createFile(globusFile);
        String loop = "while IFS=$'\\t' read -r dn ln; do grid-mapfile-add-entry -dn \"$dn\" -ln \"$ln\" -mapfile " + globusFile
                + " >/dev/null || exit 1; done < " + args;
        long start = System.nanoTime();
        Process p = new ProcessBuilder("bash", "-c", loop).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("grid-mapfile-add-entry loop failed: " + out);
        }
        long globusMs = (System.nanoTime() - start) / 1_000_000;
        long lines = Files.readAllLines(globusFile).size();
        long ourLines = Files.readAllLines(ours.resolve("grid-mapfile")).stream().filter(l -> l.startsWith("\"")).count();
        md.append("\n| ").append(String.format("%,d", comparison)).append(" entries (same DNs and accounts) | seconds | entries written | ratio |\n|---|---|---|---|\n");
        md.append(String.format("| `gridmap sync` from a snapshot (one process, JVM start included) | %.2f | %d | 1 |%n", mine.wallMs() / 1000.0, ourLines));
        md.append(String.format("| shell loop of Debian's `grid-mapfile-add-entry` | %.1f | %d | %.0fx slower |%n", globusMs / 1000.0, lines,
                (double) globusMs / mine.wallMs()));
        md.append("\n");
        Files.writeString(results, md.toString(), StandardCharsets.UTF_8);
        System.out.print(md);
    }

    private void row(String what, String xmx, long bytes, Result r) {
        md.append(String.format("| %s | %s | %d MB | %.2f | %.2f | %d | %d |%n", what, xmx, bytes >> 20, r.ms() / 1000.0, r.wallMs() / 1000.0,
                r.heapMb(), r.rssMb()));
    }
}
