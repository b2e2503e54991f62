package org.gridauth.ca.protocol;

import java.util.regex.Pattern;

import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * The JSON bodies of the RA link (documented in the manual's CA chapter). Requests that change something carry a
 * {@code requestId}: the RA chooses it, and resends the same body with the same ID after a timeout.
 */
public final class RaMessages {

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{8,128}");

    private RaMessages() {
    }

    static String requireId(String requestId) {
        if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
            throw new GridAuthException(CaError.RA_REQUEST_INVALID, "requestId must be 8 to 128 letters, digits, '-' or '_'");
        }
        return requestId;
    }

    static void require(Object value, String field) {
        if (value == null || value instanceof String s && s.isBlank()) {
            throw new GridAuthException(CaError.RA_REQUEST_INVALID, field + " is missing");
        }
    }

    /** POST /v1/issue; {@code replaces} (hex serial) makes it a renewal that supersedes that certificate. */
    public record IssueRequest(String requestId, String profile, String csr, String hpciId, Integer lifetimeDays, String replaces) {
        public IssueRequest {
            requireId(requestId);
            require(profile, "profile");
            require(csr, "csr");
            if (replaces != null && !replaces.matches("[0-9a-fA-F]{1,64}")) {
                throw new GridAuthException(CaError.RA_REQUEST_INVALID, "replaces must be a hexadecimal serial");
            }
        }
    }

    /**
     * POST /v1/issue-batch: up to {@link RaCodec#MAX_BATCH_ITEMS} items, each exactly a {@link IssueRequest} body
     * with its own request ID. Items are read one by one ({@link RaCodec#convert}), so a malformed item is refused
     * alone.
     */
    public record IssueBatchRequest(java.util.List<com.fasterxml.jackson.databind.JsonNode> requests) {
        public IssueBatchRequest {
            require(requests, "requests");
            if (requests.isEmpty()) {
                throw new GridAuthException(CaError.RA_REQUEST_INVALID, "requests is empty");
            }
            if (requests.size() > RaCodec.MAX_BATCH_ITEMS) {
                throw new GridAuthException(CaError.RA_REQUEST_INVALID, "a batch holds at most " + RaCodec.MAX_BATCH_ITEMS + " requests, not "
                        + requests.size());
            }
        }
    }

    /** POST /v1/revoke. */
    public record RevokeRequest(String requestId, String serial, String reason, String note) {
        public RevokeRequest {
            requireId(requestId);
            require(serial, "serial");
            require(reason, "reason");
            if (!serial.matches("[0-9a-fA-F]{1,64}")) {
                throw new GridAuthException(CaError.RA_REQUEST_INVALID, "serial must be hexadecimal");
            }
        }
    }

    /** POST /v1/crl. */
    public record CrlRequest(String requestId) {
        public CrlRequest {
            requireId(requestId);
        }
    }

    /** Answer to issue and status: the certificate as PEM and its state. */
    public record CertificateReply(String serial, String status, String subject, String certificate, String revokedAt, String reason) {
    }

    /** Answer to revoke. */
    public record RevokeReply(String serial, String status, String reason) {
    }

    /** Answer to crl. */
    public record CrlReply(String crlNumber, String thisUpdate, String nextUpdate, int revoked) {
    }

    /** Every refusal or failure. */
    public record ErrorReply(String code, String message, String messageJa, String action) {
    }
}
