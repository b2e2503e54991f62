package org.gridauth.gsi.ops;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * A plain-HTTP listener for {@link ManagementEndpoints} alone, for a service whose own listener cannot serve
 * them (the certificate manager's requires a client certificate of every caller). Meant for a loopback address
 * ({@code management.listen = 127.0.0.1:PORT}); the endpoints refuse other clients anyway.
 */
public final class ManagementServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    public ManagementServer(InetSocketAddress address, ManagementEndpoints endpoints) throws IOException {
        server = HttpServer.create(address, 16);
        endpoints.mount(server);
        // One thread: a scrape every few seconds, never a load.
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "management-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
