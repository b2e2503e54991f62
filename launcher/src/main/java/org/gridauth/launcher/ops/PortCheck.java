package org.gridauth.launcher.ops;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code gridauth portcheck <host>}: the security check of R-OP-2/R-OP-3. Connects to every TCP port in a range
 * (default all) and reports each that answers; exit 0 when only documented ports answer, 2 (CRITICAL) when any
 * other port answers, 1 (WARNING) when a documented port does not, 3 on bad usage. The documented set defaults
 * to the ports of the suite home and is replaced with {@code --ports}.
 */
public final class PortCheck {

    private static final int THREADS = 128;

    private final PrintStream out;

    public PortCheck(PrintStream out) {
        this.out = out;
    }

    public int run(String[] args, SortedSet<Integer> suitePorts) {
        String host = null;
        SortedSet<Integer> documented = suitePorts;
        int from = 1;
        int to = 65535;
        int timeoutMillis = 500;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--ports" -> documented = ports(args[++i]);
                    case "--range" -> {
                        String[] range = args[++i].split("-", 2);
                        from = Integer.parseInt(range[0].strip());
                        to = Integer.parseInt(range[1].strip());
                    }
                    case "--timeout-ms" -> timeoutMillis = Integer.parseInt(args[++i]);
                    default -> {
                        if (args[i].startsWith("-") || host != null) {
                            return usage("unexpected argument " + args[i]);
                        }
                        host = args[i];
                    }
                }
            }
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            return usage("an option is missing its value or the value is not a number");
        }
        if (host == null) {
            return usage("the host to check is missing");
        }
        if (from < 1 || to > 65535 || from > to) {
            return usage("the range must lie within 1-65535");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            out.println("PORTCHECK UNKNOWN - cannot resolve " + host);
            return CheckStatus.UNKNOWN.exitCode();
        }
        SortedSet<Integer> open = scan(address, from, to, timeoutMillis);
        SortedSet<Integer> unexpected = new TreeSet<>(open);
        unexpected.removeAll(documented);
        SortedSet<Integer> silent = new TreeSet<>(documented.subSet(from, to + 1));
        silent.removeAll(open);
        CheckStatus status = !unexpected.isEmpty() ? CheckStatus.CRITICAL : !silent.isEmpty() ? CheckStatus.WARNING : CheckStatus.OK;
        out.println("PORTCHECK " + status + " - " + host + " (" + address.getHostAddress() + "), TCP " + from + "-" + to + ": " + open.size()
                + " answering, " + unexpected.size() + " not documented");
        for (int port : open) {
            out.println("  " + port + "/tcp answers" + (documented.contains(port) ? " (documented)" : "  <- NOT DOCUMENTED: close it or document it"));
        }
        for (int port : silent) {
            out.println("  " + port + "/tcp documented but not answering");
        }
        return status.exitCode();
    }

    static SortedSet<Integer> scan(InetAddress address, int from, int to, int timeoutMillis) {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread thread = new Thread(r, "portcheck");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Integer>> probes = new ArrayList<>();
            for (int port = from; port <= to; port++) {
                int candidate = port;
                probes.add(pool.submit(() -> answers(address, candidate, timeoutMillis) ? candidate : -1));
            }
            SortedSet<Integer> open = new TreeSet<>();
            for (Future<Integer> probe : probes) {
                int port = probe.get();
                if (port > 0) {
                    open.add(port);
                }
            }
            return open;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean answers(InetAddress address, int port, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static SortedSet<Integer> ports(String list) {
        SortedSet<Integer> ports = new TreeSet<>();
        for (String item : list.split(",")) {
            if (!item.isBlank()) {
                ports.add(Integer.parseInt(item.strip()));
            }
        }
        return ports;
    }

    private int usage(String problem) {
        out.println("gridauth portcheck: " + problem);
        out.println("usage: gridauth portcheck <host> [--ports 22,80,443,7512,11412] [--range FROM-TO] [--timeout-ms N]");
        out.println("  R-OP-3 documents: CA repository 80,443; RA link 11412; certificate manager 8444 (suite default);");
        out.println("  MyProxy 7512; portal 80,443; IdP 80,443; GSI-SSH 22. Without --ports the suite home's ports are expected.");
        return CheckStatus.UNKNOWN.exitCode();
    }
}
