package org.gridauth.ra.protocol;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.ra.RaError;

/**
 * The portal's side of the CA's RA link (11412/tcp, mTLS), used only for host and service certificates an operator
 * approved (R-CA-10); client certificates go through the certificate manager, which holds the keys.
 */
public class CaLinkClient {

    /** What the CA answered. */
    public record Issued(String serial, String certificatePem) {
    }

    private final PeerClient peer;

    public CaLinkClient(URI base, Credential ra, List<X509Certificate> trust, Duration timeout) {
        this.peer = new PeerClient(base, ra, trust, timeout, RaError.CA_UNREACHABLE, RaError.CA_REFUSED);
    }

    /** POST /v1/issue with the portal's request ID, so a retry returns the certificate already issued. */
    public Issued issue(String requestId, String profile, String csrPem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("requestId", requestId);
        body.put("profile", profile);
        body.put("csr", csrPem);
        JsonNode reply = peer.post("/v1/issue", body, JsonNode.class);
        return new Issued(reply.path("serial").asText(), reply.path("certificate").asText());
    }

    /** GET /v1/audit: the CA's audit trail, newest first, for the console. */
    public JsonNode audit(String query) {
        return peer.getTree("/v1/audit" + (query == null || query.isEmpty() ? "" : "?" + query));
    }
}
