package org.gridauth.certmanager.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.ops.HttpRequestMetrics;
import org.gridauth.gsi.ops.RoutePatterns;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsi.trust.GsiTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate manager's HTTPS listener (8444/tcp): TLS 1.3 or 1.2 with a client certificate that chains to the
 * grid's trust anchors (the portal's service certificate, the sites' host certificates). Which client may do what
 * is each handler's decision ({@link #clientCertificate}); the handshake only establishes who is calling.
 */
public final class CertManagerServer implements AutoCloseable {

    public static final int DEFAULT_PORT = 8444;
    private static final Logger LOG = LoggerFactory.getLogger(CertManagerServer.class);

    static {
        // The JDK's HTTP server reads this once, when its first server is made; without TCP_NODELAY every small
        // answer waits ~40 ms for the client's delayed ACK (the feed benchmark's 100-change reply: 64 ms against 24).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /**
     * Written out rather than the JDK's defaults, which still enable suites without forward secrecy (TLS_RSA_*) and
     * CBC-mode suites: TLS 1.3, or TLS 1.2 with ECDHE and an AEAD cipher (the system tests check it with openssl).
     */
    static final String[] CIPHER_SUITES = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

    /**
     * Every route of this listener, as the {@code uri} tag of the request metrics (R-OP-2): HPCI-IDs in paths never
     * become tag values.
     */
    static final RoutePatterns ROUTES = RoutePatterns.of("/v1/certificates", "/v1/proxies", "/v1/revocations", "/v1/common-names",
            "/v1/accounts/{hpciId}/mappings", "/v1/feed");

    private final HttpsServer server;
    private final ExecutorService executor;
    private final HttpRequestMetrics metrics;

    /** Without request metrics (tests, benchmarks). */
    public CertManagerServer(InetSocketAddress address, Credential tls, ChainValidator clients, int threads) {
        this(address, tls, clients, threads, new HttpRequestMetrics(new SimpleMeterRegistry()));
    }

    /** With every request timed in {@code metrics}, which the management port serves (R-OP-2). */
    public CertManagerServer(InetSocketAddress address, Credential tls, ChainValidator clients, int threads, HttpRequestMetrics metrics) {
        this.metrics = metrics;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(org.gridauth.gsi.credential.TlsKeys.keyManagers(tls), new TrustManager[] {new ClientTrust(clients)}, new SecureRandom());
            server = HttpsServer.create(address, 128);
            server.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters parameters = context.getDefaultSSLParameters();
                    parameters.setNeedClientAuth(true);
                    parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                    parameters.setCipherSuites(CIPHER_SUITES.clone());
                    params.setSSLParameters(parameters);
                }
            });
        } catch (IOException | GeneralSecurityException e) {
            throw new GridAuthException(CertManagerError.CONFIGURATION_INVALID, e, "listen", "cannot listen on " + address + ": " + e.getMessage());
        }
        executor = Executors.newFixedThreadPool(threads);
        server.setExecutor(executor);
    }

    /** Routes every request whose path starts with {@code prefix} to the handler; call before {@link #start()}. */
    public CertManagerServer route(String prefix, HttpHandler handler) {
        server.createContext(prefix, metrics.timed(handler, ROUTES));
        return this;
    }

    public CertManagerServer start() {
        server.start();
        LOG.info("certificate manager listening on {}", server.getAddress());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The client's end-entity or proxy certificate as validated in the handshake; null if there is none. */
    public static X509Certificate clientCertificate(HttpExchange exchange) {
        try {
            Certificate[] chain = ((HttpsExchange) exchange).getSSLSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return null;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Accepts a client whose chain gsi-core validates against the trust directory (with its CRLs). */
    private static final class ClientTrust extends GsiTrustManager {
        private final ChainValidator validator;

        ClientTrust(ChainValidator validator) {
            this.validator = validator;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                validator.validateOrThrow(List.of(chain));
            } catch (GridAuthException e) {
                LOG.warn("refused a client: {}", e.getMessage());
                throw new CertificateException(e.getMessage(), e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server-side trust manager");
        }
    }
}
