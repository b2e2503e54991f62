package org.gridauth.ca.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.gridauth.ca.CaError;
import org.gridauth.ca.service.OcspResponder;
import org.gridauth.ca.service.RepositoryContent;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.ops.HttpRequestMetrics;
import org.gridauth.gsi.ops.ManagementEndpoints;
import org.gridauth.gsi.ops.RoutePatterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA repository over HTTP and HTTPS (R-CA-6) and the OCSP responder (RFC 6960, POST and GET). Everything is
 * public; the fingerprints are served over HTTPS only, because over plain HTTP anyone on the path could replace
 * them together with the certificate.
 */
public final class RepositoryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryServer.class);
    private static final int MAX_OCSP_REQUEST = 64 * 1024;
    /** The routes, as the {@code uri} tag of the request metrics (an OCSP request in a GET path is not a tag value). */
    static final RoutePatterns ROUTES = RoutePatterns.of("/", "/index.html", "/ca.pem", "/ca.der", "/ca.crt", "/crl.der", "/crl.pem", "/cps",
            "/trust-bundle.tar.gz", "/fingerprints", "/grid-mapfile", "/ocsp", "/ocsp/{*request}");

    private final HttpServer http;
    private final HttpsServer https;
    private final ExecutorService executor;
    private final RepositoryContent content;
    private final OcspResponder ocsp;
    private final java.util.function.Supplier<byte[]> gridMapfile;

    public RepositoryServer(InetSocketAddress httpAddress, InetSocketAddress httpsAddress, Credential tls, RepositoryContent content,
                            OcspResponder ocsp, int threads) {
        this(httpAddress, httpsAddress, tls, content, ocsp, null, threads);
    }

    /** With {@code gridMapfile} (may be null: not served) the grid-mapfile data of R-CA-6, over HTTPS only. */
    public RepositoryServer(InetSocketAddress httpAddress, InetSocketAddress httpsAddress, Credential tls, RepositoryContent content,
                            OcspResponder ocsp, java.util.function.Supplier<byte[]> gridMapfile, int threads) {
        this(httpAddress, httpsAddress, tls, content, ocsp, gridMapfile, threads, new HttpRequestMetrics(new SimpleMeterRegistry()), null);
    }

    /**
     * With every request timed in {@code metrics}, and {@code management} (may be null: not served) on the plain HTTP
     * port: the monitoring agent on the CA machine asks {@code http://127.0.0.1:<port>/actuator/health} without a
     * TLS set-up, and the endpoints refuse every other client (R-OP-2).
     */
    public RepositoryServer(InetSocketAddress httpAddress, InetSocketAddress httpsAddress, Credential tls, RepositoryContent content,
                            OcspResponder ocsp, java.util.function.Supplier<byte[]> gridMapfile, int threads, HttpRequestMetrics metrics,
                            ManagementEndpoints management) {
        this.content = content;
        this.ocsp = ocsp;
        this.gridMapfile = gridMapfile;
        this.executor = Executors.newFixedThreadPool(threads);
        try {
            NoDelay.ensure();
            http = HttpServer.create(httpAddress, 64);
            http.createContext("/", metrics.timed(exchange -> handle(exchange, false), ROUTES));
            if (management != null) {
                management.mount(http);
            }
            http.setExecutor(executor);
            https = HttpsServer.create(httpsAddress, 64);
            SSLContext context = tlsContext(tls);
            https.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters params) {
                    // Explicit rather than the JDK's defaults, which still allow suites without forward secrecy.
                    params.setSSLParameters(TlsSettings.restrict(context.getDefaultSSLParameters()));
                }
            });
            https.createContext("/", metrics.timed(exchange -> handle(exchange, true), ROUTES));
            https.setExecutor(executor);
        } catch (IOException | GeneralSecurityException e) {
            executor.shutdownNow();
            throw new GridAuthException(CaError.CONFIGURATION_INVALID, e, "repository", "cannot listen on " + httpAddress + " / " + httpsAddress
                    + ": " + e.getMessage());
        }
        http.start();
        https.start();
        LOG.info("CA repository on http {} and https {}", http.getAddress(), https.getAddress());
    }

    public int httpPort() {
        return http.getAddress().getPort();
    }

    public int httpsPort() {
        return https.getAddress().getPort();
    }

    private void handle(HttpExchange exchange, boolean secure) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/ocsp") || path.startsWith("/ocsp/")) {
                ocsp(exchange, method, path);
                return;
            }
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                send(exchange, 405, "text/plain; charset=utf-8", "only GET, and POST to /ocsp\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            switch (path) {
                case "/", "/index.html" -> send(exchange, 200, "text/html; charset=utf-8", content.infoPage(secure).getBytes(StandardCharsets.UTF_8));
                case "/ca.pem" -> send(exchange, 200, "application/x-pem-file", content.caPem());
                case "/ca.der", "/ca.crt" -> send(exchange, 200, "application/pkix-cert", content.caDer());
                case "/crl.der" -> optional(exchange, "application/pkix-crl", content.crlDer());
                case "/crl.pem" -> optional(exchange, "application/x-pem-file", content.crlPem());
                case "/cps" -> optional(exchange, content.cpsName().endsWith(".pdf") ? "application/pdf" : "text/html; charset=utf-8", content.cps());
                case "/trust-bundle.tar.gz" -> send(exchange, 200, "application/gzip", content.trustBundle());
                case "/fingerprints" -> {
                    if (secure) {
                        send(exchange, 200, "text/plain; charset=utf-8", content.fingerprints().getBytes(StandardCharsets.US_ASCII));
                    } else {
                        send(exchange, 403, "text/plain; charset=utf-8",
                                "The CA fingerprints are published over HTTPS only.\n".getBytes(StandardCharsets.UTF_8));
                    }
                }
                case "/grid-mapfile" -> {
                    // Names of the CA's users: like the fingerprints, only over an authenticated channel.
                    if (gridMapfile == null) {
                        send(exchange, 404, "text/plain; charset=utf-8", "not published here\n".getBytes(StandardCharsets.UTF_8));
                    } else if (secure) {
                        send(exchange, 200, "text/plain; charset=utf-8", gridMapfile.get());
                    } else {
                        send(exchange, 403, "text/plain; charset=utf-8",
                                "The grid-mapfile data is published over HTTPS only.\n".getBytes(StandardCharsets.UTF_8));
                    }
                }
                default -> send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void ocsp(HttpExchange exchange, String method, String path) throws IOException {
        byte[] request;
        if ("POST".equals(method) && path.equals("/ocsp")) {
            request = exchange.getRequestBody().readNBytes(MAX_OCSP_REQUEST + 1);
            if (request.length > MAX_OCSP_REQUEST) {
                send(exchange, 413, "text/plain; charset=utf-8", "OCSP request too large\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
        } else if ("GET".equals(method) && path.startsWith("/ocsp/")) {
            try {
                request = Base64.getDecoder().decode(URLDecoder.decode(path.substring("/ocsp/".length()), StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                request = new byte[0];
            }
        } else {
            send(exchange, 405, "text/plain; charset=utf-8", "OCSP: POST /ocsp or GET /ocsp/<base64>\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        send(exchange, 200, "application/ocsp-response", ocsp.respond(request));
    }

    private static void optional(HttpExchange exchange, String type, Optional<byte[]> body) throws IOException {
        if (body.isPresent()) {
            send(exchange, 200, type, body.get());
        } else {
            send(exchange, 404, "text/plain; charset=utf-8", "not published yet\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static SSLContext tlsContext(Credential tls) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("tls", tls.privateKey(), new char[0], tls.chain().toArray(new Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    @Override
    public void close() {
        http.stop(0);
        https.stop(0);
        executor.shutdownNow();
    }
}
