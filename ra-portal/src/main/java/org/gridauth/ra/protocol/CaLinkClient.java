package org.gridauth.ra.protocol;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.ra.RaError;

/**
 * The portal's side of the CA's RA link (11412/tcp, mTLS), used for host and service certificates an operator
 * approved (R-CA-10) and for reading the CA's audit trail in the console (R-RA-11); client certificates go through
 * the certificate manager, which holds the keys.
 */
public class CaLinkClient {

    /** What the CA answered. */
    public record Issued(String serial, String certificatePem) {
    }

    private final PeerClient peer;
    /** The same link for reading the audit trail: a refusal there is about the console's filters, not about a CSR. */
    private final PeerClient auditPeer;

    public CaLinkClient(URI base, Credential ra, List<X509Certificate> trust, Duration timeout) {
        this.peer = new PeerClient(base, ra, trust, timeout, RaError.CA_UNREACHABLE, RaError.CA_REFUSED);
        this.auditPeer = new PeerClient(base, ra, trust, timeout, RaError.CA_UNREACHABLE, RaError.CA_AUDIT_REFUSED);
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

    /**
     * Filters of the CA's audit trail (GET /v1/audit); null means any.
     *
     * @param from    earliest record time, inclusive
     * @param to      latest record time, exclusive
     * @param action  event type, e.g. ISSUE, REVOKE
     * @param actor   text the actor contains
     * @param subject text the subject or the details contain (a DN, a serial number)
     * @param before  the {@code next} value of the previous page
     * @param limit   records per page (the CA allows 1 to 500)
     */
    public record AuditQuery(Instant from, Instant to, String action, String actor, String subject, Long before, int limit) {

        /** As the RA link's query string, each value percent-encoded. */
        public String queryString() {
            StringJoiner query = new StringJoiner("&");
            add(query, "from", from == null ? null : from.toString());
            add(query, "to", to == null ? null : to.toString());
            add(query, "action", action);
            add(query, "actor", actor);
            add(query, "subject", subject);
            add(query, "before", before == null ? null : before.toString());
            add(query, "limit", Integer.toString(limit));
            return query.toString();
        }

        private static void add(StringJoiner query, String name, String value) {
            if (value != null && !value.isEmpty()) {
                query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
    }

    /** One record of the CA's audit trail, as the RA link answers it. */
    public record AuditEntry(long sequence, String time, String actor, String action, String subject, String details, String hash) {
    }

    /** A page of the trail, newest first; {@code next} is the {@code before} of the following page, null on the last. */
    public record AuditPage(List<AuditEntry> records, Long next) {

        public AuditPage {
            records = records == null ? List.of() : List.copyOf(records);
        }
    }

    /** GET /v1/audit: the CA's audit trail, newest first, for the console (R-RA-11). */
    public AuditPage audit(AuditQuery query) {
        return auditPeer.get("/v1/audit?" + query.queryString(), AuditPage.class);
    }
}
