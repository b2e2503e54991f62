package org.gridauth.benchmarks.gridmap;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import org.gridauth.gridmap.cli.ExitCode;
import org.gridauth.gridmap.cli.GridmapCommand;

/**
 * One {@code gridmap} run in a JVM of its own, as cron starts it, reporting on its last standard-output line
 * {@code RESULT exit=<code> ms=<time inside the JVM> heapPeakMB=<sum of heap pool peaks> rssPeakMB=<VmHWM>}.
 */
public final class GridmapRun {

    private GridmapRun() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        long start = System.nanoTime();
        ExitCode code = new GridmapCommand(new PrintStream(OutputStream.nullOutputStream()), System.err, Map.of(), Clock.systemUTC()).run(args);
        long ms = (System.nanoTime() - start) / 1_000_000;
        long heap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                heap += pool.getPeakUsage().getUsed();
            }
        }
        long rssKb = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        out.println("RESULT exit=" + code.code() + " ms=" + ms + " heapPeakMB=" + heap / (1 << 20) + " rssPeakMB=" + rssKb / 1024);
        System.exit(code.code());
    }
}
