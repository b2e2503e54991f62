package org.gridauth.certmanager.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Set;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.certmanager.protocol.JsonCodec;
import org.gridauth.certmanager.protocol.PortalMessages.CommonNameReply;
import org.gridauth.certmanager.protocol.PortalMessages.IssueRequest;
import org.gridauth.certmanager.protocol.PortalMessages.ProxyRequest;
import org.gridauth.certmanager.protocol.PortalMessages.RevokeRequest;
import org.gridauth.certmanager.service.CertificateService;
import org.gridauth.certmanager.service.Mappings;
import org.gridauth.certmanager.service.ProxyService;
import org.gridauth.certmanager.service.RevocationService;
import org.gridauth.certmanager.store.JdbcAuditLog;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.proxy.ProxyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portal's API (the manual's "portal API" section), for the configured portal certificates only:
 * {@code POST /v1/certificates}, {@code POST /v1/proxies}, {@code POST /v1/revocations},
 * {@code GET /v1/common-names?cn=...&hpciId=...}, {@code GET /v1/accounts/<HPCI-ID>/mappings},
 * {@code GET /v1/accounts/<HPCI-ID>/attributes}.
 */
public final class PortalApi implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PortalApi.class);

    private final Set<GridDn> portals;
    private final CertificateService certificates;
    private final ProxyService proxies;
    private final RevocationService revocations;
    private final Mappings mappings;
    private final JdbcAuditLog audit;
    private final JsonCodec codec = new JsonCodec();

    public PortalApi(Set<GridDn> portals, CertificateService certificates, ProxyService proxies, RevocationService revocations, Mappings mappings,
                     JdbcAuditLog audit) {
        this.portals = Set.copyOf(portals);
        this.certificates = certificates;
        this.proxies = proxies;
        this.revocations = revocations;
        this.mappings = mappings;
        this.audit = audit;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status = 200;
            byte[] body;
            try {
                String caller = authorize(exchange);
                body = route(exchange, caller);
            } catch (GridAuthException e) {
                status = statusOf(e);
                body = codec.write(codec.error(e));
            } catch (RuntimeException e) {
                LOG.error("portal API request failed", e);
                status = 500;
                body = codec.write(codec.error(new GridAuthException(CertManagerError.REQUEST_INVALID, "internal error; see the service log")));
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private String authorize(HttpExchange exchange) {
        X509Certificate client = CertManagerServer.clientCertificate(exchange);
        String who = client == null ? "(no certificate)" : ProxyInfo.of(java.util.List.of(client)).identity().toOpenSsl();
        if (client == null || !portals.contains(GridDn.of(client.getSubjectX500Principal()))) {
            audit.record(who, "PORTAL_API", exchange.getRequestURI().getPath(), "REFUSED", "not a configured portal certificate");
            throw new GridAuthException(CertManagerError.CLIENT_NOT_AUTHORIZED, who, "the portal API");
        }
        return who;
    }

    private byte[] route(HttpExchange exchange, String caller) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if ("POST".equals(method)) {
            byte[] request = exchange.getRequestBody().readNBytes(JsonCodec.MAX_BODY + 1);
            return switch (path) {
                case "/v1/certificates" -> codec.write(certificates.issue(caller, codec.read(request, IssueRequest.class)));
                case "/v1/proxies" -> codec.write(proxies.make(caller, codec.read(request, ProxyRequest.class)));
                case "/v1/revocations" -> codec.write(revocations.revoke(caller, codec.read(request, RevokeRequest.class)));
                default -> throw new GridAuthException(CertManagerError.NOT_FOUND, "operation", "POST " + path);
            };
        }
        if ("GET".equals(method) && path.equals("/v1/common-names")) {
            String cn = query(exchange, "cn");
            if (cn == null || cn.isBlank()) {
                throw new GridAuthException(CertManagerError.REQUEST_INVALID, "the cn parameter is missing");
            }
            return codec.write(new CommonNameReply(cn, certificates.commonNameInUse(cn, query(exchange, "hpciId"))));
        }
        if ("GET".equals(method) && path.startsWith("/v1/accounts/") && path.endsWith("/attributes")) {
            String hpciId = path.substring("/v1/accounts/".length(), path.length() - "/attributes".length());
            return codec.write(new org.gridauth.certmanager.protocol.PortalMessages.AttributeChoicesReply(hpciId, proxies.attributeChoices(hpciId)));
        }
        if ("GET".equals(method) && path.startsWith("/v1/accounts/") && path.endsWith("/mappings")) {
            String hpciId = path.substring("/v1/accounts/".length(), path.length() - "/mappings".length());
            return codec.write(mappings.of(hpciId));
        }
        throw new GridAuthException(CertManagerError.NOT_FOUND, "operation", method + " " + path);
    }

    private static String query(HttpExchange exchange, String name) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static int statusOf(GridAuthException e) {
        if (e.code() instanceof CertManagerError error) {
            return switch (error) {
                case CLIENT_NOT_AUTHORIZED, NOT_YOUR_ACCOUNT, WRONG_PASSPHRASE, PASSPHRASE_LOCKED -> 403;
                case NOT_FOUND, NO_ACCOUNT -> 404;
                case CN_IN_USE, VALID_CERTIFICATE_EXISTS, ACCOUNT_CONFLICT, REQUEST_IN_PROGRESS -> 409;
                case CA_UNREACHABLE, MYPROXY_UNREACHABLE, DATABASE_UNAVAILABLE -> 503;
                case CA_REFUSED, MYPROXY_REFUSED -> 422;
                case KEY_MISMATCH -> 502;
                default -> 400;
            };
        }
        return 400;
    }
}
