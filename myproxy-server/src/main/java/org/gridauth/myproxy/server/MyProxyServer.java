package org.gridauth.myproxy.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsi.trust.RevocationMode;
import org.gridauth.myproxy.policy.ServerPolicy;
import org.gridauth.myproxy.store.CredentialStore;
import org.gridauth.myproxy.store.KeyEncryption;
import org.gridauth.myproxy.store.SealingKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MyProxy listener (7512/tcp by default): accepts TLS connections and runs one {@link MyProxySession} per
 * connection on its own thread, up to a cap of concurrent connections, so a flood of idle connections can neither
 * starve other clients nor the machine; each connection lives at most request_timeout.
 */
public final class MyProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MyProxyServer.class);
    /**
     * Written out rather than the JDK's defaults, which still enable suites without forward secrecy (TLS_RSA_*) and
     * CBC-mode suites: TLS 1.3, or TLS 1.2 with ECDHE and an AEAD cipher. Debian's C clients (OpenSSL) and gsi-core's
     * GSI peer offer these; the system tests check the rest is refused with openssl s_client.
     */
    static final String[] CIPHER_SUITES = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};
    private static final Pattern TRUST_FILE = Pattern.compile("[0-9a-f]{8}\\.(\\d+|r\\d+|signing_policy|namespaces)");

    private final SSLServerSocket listener;
    private final ExecutorService workers;
    private final MyProxySession.ServerContext context;
    private final Thread acceptor;
    private final java.util.concurrent.ScheduledExecutorService deadlines;

    /**
     * @param bind        address and port to listen on (port 0 picks a free one)
     * @param host        the host credential presented to clients
     * @param trustDir    the trust directory for client chains and GET_TRUSTROOTS
     * @param store       where credentials live
     * @param policy      server policy
     * @param kdfIterations PBKDF2 iterations for newly sealed keys
     * @param threads     concurrent connections served (more are closed at once)
     */
    public MyProxyServer(InetSocketAddress bind, Credential host, Path trustDir, CredentialStore store, ServerPolicy policy,
                         int kdfIterations, int threads, Clock clock) throws IOException {
        this(bind, host, trustDir, store, policy, SealingKey.ephemeral(new SecureRandom()), kdfIterations, threads, clock);
    }

    /**
     * @param sealingKey seals the keys of credentials stored without a passphrase; servers sharing a database
     *                   need the same one
     */
    public MyProxyServer(InetSocketAddress bind, Credential host, Path trustDir, CredentialStore store, ServerPolicy policy,
                         SealingKey sealingKey, int kdfIterations, int threads, Clock clock) throws IOException {
        SecureRandom random = new SecureRandom();
        ChainValidator validator = new ChainValidator(trustDir, RevocationMode.IF_AVAILABLE, false, Duration.ofMinutes(1));
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "myproxy-deadlines");
            t.setDaemon(true);
            return t;
        });
        KeyEncryption keys = new KeyEncryption(kdfIterations, random, sealingKey,
                KeyEncryption.cacheFor(policy.unlockCache(), clock, random));
        this.context = new MyProxySession.ServerContext(policy, store, keys,
                new ProxyMaker(clock, random), validator, clock, random, () -> trustRoots(trustDir), deadlines);
        this.listener = (SSLServerSocket) ServerTls.context(withIssuer(host, trustDir), validator).getServerSocketFactory()
                .createServerSocket(bind.getPort(), 128, bind.getAddress());
        listener.setWantClientAuth(true);
        listener.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        listener.setEnabledCipherSuites(CIPHER_SUITES.clone());
        // One thread per connection up to the cap, like the reference server's process per connection: a few
        // slow or idle clients never hold up the others, and past the cap new connections are closed at once.
        this.workers = new java.util.concurrent.ThreadPoolExecutor(0, threads, 30, TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), r -> {
                    Thread t = new Thread(null, r, "myproxy-session", 256 * 1024);
                    t.setDaemon(true);
                    return t;
                });
        this.acceptor = new Thread(this::acceptLoop, "myproxy-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("MyProxy server listening on {}:{}", listener.getInetAddress().getHostAddress(), listener.getLocalPort());
    }

    public int port() {
        return listener.getLocalPort();
    }

    public InetAddress address() {
        return listener.getInetAddress();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                try {
                    workers.execute(new MyProxySession((SSLSocket) socket, context)::run);
                } catch (java.util.concurrent.RejectedExecutionException full) {
                    LOG.warn("connection from {} closed: all {} connection slots are busy", socket.getRemoteSocketAddress(),
                            ((java.util.concurrent.ThreadPoolExecutor) workers).getMaximumPoolSize());
                    socket.close();
                }
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    LOG.warn("accept failed: {}", e.getMessage());
                }
            }
        }
    }

    /**
     * The host chain with its CA appended: myproxy-logon -b and myproxy-get-trustroots -b bootstrap trust by
     * taking the CA certificate from the chain the server presents.
     */
    private static Credential withIssuer(Credential host, Path trustDir) {
        java.security.cert.X509Certificate last = host.chain().get(host.chain().size() - 1);
        if (last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
            return host;
        }
        return new org.gridauth.gsi.trust.TrustDirectory(trustDir).anchorFor(last.getIssuerX500Principal())
                .map(ca -> {
                    java.util.List<java.security.cert.X509Certificate> chain = new java.util.ArrayList<>(host.chain());
                    chain.add(ca);
                    return new Credential(host.privateKey(), chain);
                })
                .orElse(host);
    }

    private static Map<String, byte[]> trustRoots(Path dir) {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.filter(f -> TRUST_FILE.matcher(f.getFileName().toString()).matches()).toList()) {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        deadlines.shutdownNow();
        context.validator().close();
    }
}
