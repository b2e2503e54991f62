package org.gridauth.ca.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.gridauth.ca.CaError;
import org.gridauth.ca.audit.AuditTrail;
import org.gridauth.ca.policy.RaAuthorization;
import org.gridauth.ca.protocol.RaCodec;
import org.gridauth.ca.service.AuditSearch;
import org.gridauth.ca.service.RaLinkService;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.ops.HttpRequestMetrics;
import org.gridauth.gsi.ops.RoutePatterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RA link (R-CA-1): HTTPS on 11412/tcp, TLS 1.2 or 1.3 with a client certificate that must be one of the
 * configured RA certificates. Routes: {@code POST /v1/issue}, {@code POST /v1/issue-batch}, {@code POST /v1/revoke}, {@code POST /v1/crl},
 * {@code GET /v1/certificates/<serial hex>}, {@code GET /v1/audit?<filters>} (the audit trail, {@link org.gridauth.ca.protocol.AuditQuery}).
 * Bodies are JSON ({@link org.gridauth.ca.protocol.RaMessages}).
 */
public final class RaLinkServer implements AutoCloseable {

    public static final int DEFAULT_PORT = 11412;
    private static final Logger LOG = LoggerFactory.getLogger(RaLinkServer.class);

    private final HttpsServer server;
    private final ExecutorService executor;
    private final RaAuthorization authorization;
    private final RaLinkService service;
    private final RaCodec codec = new RaCodec();
    private final AuditSearch auditSearch;

    /** The routes, as the {@code uri} tag of the request metrics (serials never become tag values). */
    static final RoutePatterns ROUTES = RoutePatterns.of("/v1/issue", "/v1/issue-batch", "/v1/revoke", "/v1/crl", "/v1/certificates/{serial}",
            "/v1/audit");

    /** Without request metrics (tests, benchmarks). */
    public RaLinkServer(InetSocketAddress address, Credential tls, RaAuthorization authorization, AuditTrail audit, RaLinkService service,
                        int threads, Clock clock) {
        this(address, tls, authorization, audit, service, threads, clock, new HttpRequestMetrics(new SimpleMeterRegistry()));
    }

    /** With every request timed in {@code metrics} (R-OP-2), which the repository's {@code /actuator/prometheus} serves. */
    public RaLinkServer(InetSocketAddress address, Credential tls, RaAuthorization authorization, AuditTrail audit, RaLinkService service,
                        int threads, Clock clock, HttpRequestMetrics metrics) {
        this.authorization = authorization;
        this.service = service;
        this.auditSearch = new AuditSearch(audit, codec);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(tls), new TrustManager[] {new PinnedRaTrustManager(authorization, audit, clock)}, new SecureRandom());
            NoDelay.ensure();
            server = HttpsServer.create(address, 64);
            server.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters parameters = context.getDefaultSSLParameters();
                    parameters.setNeedClientAuth(true);
                    params.setSSLParameters(TlsSettings.restrict(parameters));
                }
            });
        } catch (IOException | GeneralSecurityException e) {
            throw new GridAuthException(CaError.CONFIGURATION_INVALID, e, "ra-link", "cannot listen on " + address + ": " + e.getMessage());
        }
        server.createContext("/v1/", metrics.timed(this::handle, ROUTES));
        executor = Executors.newFixedThreadPool(threads);
        server.setExecutor(executor);
        server.start();
        LOG.info("RA link listening on {}", server.getAddress());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            X509Certificate client = clientCertificate(exchange);
            RaLinkService.Reply reply;
            if (client == null || !authorization.permits(client)) {
                // The handshake already refuses strangers; this is the second lock on the door.
                GridAuthException e = new GridAuthException(CaError.RA_NOT_AUTHORIZED, client == null ? "(none)"
                        : GridDn.of(client.getSubjectX500Principal()).toOpenSsl());
                reply = new RaLinkService.Reply(403, codec.write(codec.error(e)));
            } else {
                reply = route(exchange, GridDn.of(client.getSubjectX500Principal()).toOpenSsl());
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(reply.status(), reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    private RaLinkService.Reply route(HttpExchange exchange, String ra) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if ("POST".equals(method)) {
            byte[] body = readBody(exchange.getRequestBody(), "/v1/issue-batch".equals(path) ? RaCodec.MAX_BATCH_BODY : RaCodec.MAX_BODY);
            return switch (path) {
                case "/v1/issue" -> service.issue(ra, body);
                case "/v1/issue-batch" -> service.issueBatch(ra, body);
                case "/v1/revoke" -> service.revoke(ra, body);
                case "/v1/crl" -> service.crlNow(ra, body);
                default -> notFound(path);
            };
        }
        if ("GET".equals(method) && path.startsWith("/v1/certificates/")) {
            return service.status(path.substring("/v1/certificates/".length()));
        }
        if ("GET".equals(method) && "/v1/audit".equals(path)) {
            return auditSearch.search(ra, exchange.getRequestURI().getRawQuery());
        }
        return notFound(method + " " + path);
    }

    private RaLinkService.Reply notFound(String what) {
        GridAuthException e = new GridAuthException(CaError.RA_REQUEST_INVALID, "no such operation: " + what);
        return new RaLinkService.Reply(404, codec.write(codec.error(e)));
    }

    /** Reads at most one byte more than {@code limit}, so that the codec refuses an oversized body without reading it all. */
    private static byte[] readBody(InputStream in, int limit) throws IOException {
        return in.readNBytes(limit + 1);
    }

    private static X509Certificate clientCertificate(HttpExchange exchange) {
        try {
            Certificate[] chain = ((HttpsExchange) exchange).getSSLSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static javax.net.ssl.KeyManager[] keyManagers(Credential tls) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = new char[0];
        store.setKeyEntry("tls", tls.privateKey(), password, tls.chain().toArray(new Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
