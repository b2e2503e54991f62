package org.gridauth.benchmarks.myproxy;

import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.gridauth.gsi.proxy.DelegationRequest;
import org.gridauth.myproxy.protocol.MessageIo;
import org.gridauth.myproxy.protocol.MyProxyCommand;
import org.gridauth.myproxy.protocol.MyProxyRequest;
import org.gridauth.myproxy.protocol.MyProxyResponse;

/**
 * Load driver for MyProxy GET (what myproxy-logon does), with one pre-generated client key so that client key
 * generation is not measured. Each operation is a full new TLS connection, request, delegation and final reply.
 */
public final class MyProxyGetLoad {

    /** What one run measured. */
    public record Result(int concurrency, long successes, long errors, double seconds, double p50Millis, double p99Millis) {
        public double perSecond() {
            return successes / seconds;
        }
    }

    private final String host;
    private final SSLContext tls;
    private final SSLContext ownerTls;
    private final byte[] csr;

    /**
     * @param owner the credential's owner, for INFO (which only the owner may ask), or null
     */
    public MyProxyGetLoad(String host, X509Certificate trustedCa, DelegationRequest request,
                          org.gridauth.gsi.credential.Credential owner) throws Exception {
        this.host = host;
        this.tls = org.gridauth.gsi.testing.TestPki.anonymousClientTls(trustedCa);
        this.ownerTls = owner == null ? null : clientTls(trustedCa, owner);
        this.csr = request.request().getEncoded();
    }

    /** One request on a new connection; true when it succeeded. */
    @FunctionalInterface
    public interface Operation {
        boolean once(int port, int iteration);
    }

    /** GET of one user's credential. */
    public Operation get(String user, String passphrase) {
        byte[] request = new MyProxyRequest(MyProxyRequest.VERSION, MyProxyCommand.GET, user, passphrase, "", 43200, "", "",
                null, null, null, null, false).encode();
        return (port, i) -> getOnce(port, request);
    }

    /** GET of a user chosen at random among {@code prefix0 .. prefix(count-1)}. */
    public Operation getAny(String prefix, int count, String passphrase) {
        return (port, i) -> getOnce(port, new MyProxyRequest(MyProxyRequest.VERSION, MyProxyCommand.GET,
                prefix + java.util.concurrent.ThreadLocalRandom.current().nextInt(count), passphrase, "", 43200, "", "",
                null, null, null, null, false).encode());
    }

    /** INFO (as the owner) of a user chosen at random among {@code prefix0 .. prefix(count-1)}. */
    public Operation infoAny(String prefix, int count) {
        return (port, i) -> infoOnce(port, new MyProxyRequest(MyProxyRequest.VERSION, MyProxyCommand.INFO,
                prefix + java.util.concurrent.ThreadLocalRandom.current().nextInt(count), "", "", 0, "", "",
                null, null, null, null, false).encode());
    }

    public Result run(int port, String user, String passphrase, int concurrency, Duration duration) throws InterruptedException {
        return run(port, get(user, passphrase), concurrency, duration);
    }

    public Result run(int port, Operation operation, int concurrency, Duration duration) throws InterruptedException {
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(() -> {
                int iteration = 0;
                while (System.nanoTime() < end) {
                    long begin = System.nanoTime();
                    if (operation.once(port, iteration++)) {
                        ok.incrementAndGet();
                        latencies.add(System.nanoTime() - begin);
                    } else {
                        failed.incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Result(concurrency, ok.get(), failed.get(), seconds, percentile(sorted, 0.50), percentile(sorted, 0.99));
    }

    private boolean getOnce(int port, byte[] request) {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(host, port)) {
            socket.setSoTimeout(30_000);
            // The driver's own writes ('0', then the request) must not wait for delayed ACKs, or every server would
            // look 40 ms slower than it is; this applies the same to both servers.
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            socket.startHandshake();
            MessageIo.write(out, new byte[] {'0'});
            MessageIo.write(out, request);
            if (readReply(in) != MyProxyResponse.OK) {
                return false;
            }
            MessageIo.write(out, csr);
            MessageIo.readChain(in, 1 << 20);
            return readReply(in) == MyProxyResponse.OK;
        } catch (Exception e) {
            return false;
        }
    }

    private boolean infoOnce(int port, byte[] request) {
        try (SSLSocket socket = (SSLSocket) ownerTls.getSocketFactory().createSocket(host, port)) {
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            socket.startHandshake();
            MessageIo.write(socket.getOutputStream(), new byte[] {'0'});
            MessageIo.write(socket.getOutputStream(), request);
            return readReply(socket.getInputStream()) == MyProxyResponse.OK;
        } catch (Exception e) {
            return false;
        }
    }

    private static SSLContext clientTls(X509Certificate trustedCa, org.gridauth.gsi.credential.Credential owner) throws Exception {
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("owner", owner.privateKey(), new char[0], owner.chain().toArray(new X509Certificate[0]));
        javax.net.ssl.KeyManagerFactory keyManagers = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
        keyManagers.init(keys, new char[0]);
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trustedCa);
        javax.net.ssl.TrustManagerFactory trustManagers = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    /** Replies may be preceded by a stray 0x00 byte (the C server's TLS 1.3 artefact); skip empty messages. */
    private static int readReply(InputStream in) throws Exception {
        while (true) {
            byte[] message = MessageIo.readMessage(in, 1 << 20);
            if (message.length > 0) {
                return MyProxyResponse.parse(message).code();
            }
        }
    }

    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }
}
