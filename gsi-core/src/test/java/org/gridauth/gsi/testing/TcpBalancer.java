package org.gridauth.gsi.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP load balancer for failover tests, doing what HAProxy does in {@code mode tcp} with {@code balance roundrobin},
 * {@code retries} and {@code option redispatch}: each client connection goes to the next backend in turn; a backend
 * that refuses the connection (its process is gone) is skipped for the next one, so only connections already open to
 * a killed instance break. TLS passes through untouched, client certificates included.
 *
 * <p>It counts, per backend, the connections it has opened and those open now, so a test can show that every
 * instance served load and how many requests a kill could have cut.
 */
public final class TcpBalancer implements AutoCloseable {

    private final ServerSocket listener;
    private final InetAddress host;
    private final List<Integer> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final List<AtomicInteger> opened = new ArrayList<>();
    private final List<Set<Socket>> open = new ArrayList<>();
    /** Per backend: the connections whose last bytes went from the client to the backend, i.e. awaiting an answer. */
    private final List<Set<Socket>> waiting = new ArrayList<>();
    /** Per backend: whether its answers are cut (see {@link #stopAnswers}), and how many connections that broke. */
    private final List<java.util.concurrent.atomic.AtomicBoolean> answersStopped = new ArrayList<>();
    private final List<AtomicInteger> cut = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tcp-balancer");
        t.setDaemon(true);
        return t;
    });

    /** Listens on a free port of {@code host} and spreads connections over the backends' ports on the same address. */
    public TcpBalancer(InetAddress host, List<Integer> backendPorts) throws IOException {
        this.host = host;
        this.backends = List.copyOf(backendPorts);
        for (int i = 0; i < backends.size(); i++) {
            opened.add(new AtomicInteger());
            open.add(ConcurrentHashMap.newKeySet());
            waiting.add(ConcurrentHashMap.newKeySet());
            answersStopped.add(new java.util.concurrent.atomic.AtomicBoolean());
            cut.add(new AtomicInteger());
        }
        this.listener = new ServerSocket(0, 200, host);
        threads.submit(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections this balancer has opened to backend {@code index} since it started. */
    public int opened(int index) {
        return opened.get(index).get();
    }

    /** Connections open to backend {@code index} now (a kill of that backend can cut at most these). */
    public int openNow(int index) {
        return open.get(index).size();
    }

    /**
     * Connections to backend {@code index} that await an answer now: the client sent bytes the backend has not answered
     * yet (a request in flight; an idle kept-alive connection does not count).
     */
    public int awaitingAnswer(int index) {
        return waiting.get(index).size();
    }

    /**
     * From now on backend {@code index} is an instance that hangs before it dies: each answer it sends is dropped and
     * its connection closed, so a test that kills it next is sure to cut requests in flight (a plain kill races the
     * answer of the request it meant to cut).
     */
    public void stopAnswers(int index) {
        answersStopped.get(index).set(true);
    }

    /** Connections closed because an answer of backend {@code index} came after {@link #stopAnswers}. */
    public int cutAnswers(int index) {
        return cut.get(index).get();
    }

    private Void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                continue;
            }
            threads.submit(() -> connect(client));
        }
        return null;
    }

    private Void connect(Socket client) {
        int first = Math.floorMod(next.getAndIncrement(), backends.size());
        for (int attempt = 0; attempt < backends.size(); attempt++) {
            int index = (first + attempt) % backends.size();
            Socket server = new Socket();
            try {
                server.connect(new InetSocketAddress(host, backends.get(index)), 2_000);
            } catch (IOException e) {
                close(server);
                continue;
            }
            Set<Socket> mine = open.get(index);
            Set<Socket> awaiting = waiting.get(index);
            // Counted as open before it is counted as opened: a test reading opened() and then openNow() misses no connection.
            mine.add(server);
            opened.get(index).incrementAndGet();
            AtomicInteger ends = new AtomicInteger(2);
            Runnable done = () -> {
                if (ends.decrementAndGet() == 0) {
                    close(client);
                    close(server);
                    mine.remove(server);
                    awaiting.remove(server);
                }
            };
            java.util.concurrent.atomic.AtomicBoolean stopped = answersStopped.get(index);
            AtomicInteger cuts = cut.get(index);
            threads.submit(() -> pipe(client, server, done, () -> awaiting.add(server), () -> false));
            threads.submit(() -> pipe(server, client, done, () -> awaiting.remove(server), () -> {
                if (stopped.get()) {
                    cuts.incrementAndGet();
                    return true;
                }
                return false;
            }));
            return null;
        }
        // No backend took it: the client sees its connection closed without an answer, as with HAProxy.
        close(client);
        return null;
    }

    /** Copies one direction; an end of stream is passed on as a half-close, an error closes both sockets. */
    private static Void pipe(Socket from, Socket to, Runnable done, Runnable forwarded, java.util.function.BooleanSupplier drop) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[16384];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (drop.getAsBoolean()) {
                    throw new IOException("answers stopped");
                }
                out.write(buffer, 0, n);
                out.flush();
                forwarded.run();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side was reset or closed: the other side sees its connection closed
            close(from);
            close(to);
        } finally {
            done.run();
        }
        return null;
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Set<Socket> sockets : open) {
            sockets.forEach(TcpBalancer::close);
        }
        threads.shutdownNow();
    }
}
