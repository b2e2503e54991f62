package org.gridauth.ca.protocol;

import java.io.IOException;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.gridauth.ca.CaError;
import org.gridauth.ca.protocol.RaMessages.ErrorReply;
import org.gridauth.gsi.error.ErrorCode;
import org.gridauth.gsi.error.GridAuthException;

/** JSON encoding of the RA link's bodies, strict about unknown fields, and the HTTP status of each error code. */
public final class RaCodec {

    public static final int MAX_BODY = 64 * 1024;
    /** Most items in one POST /v1/issue-batch. */
    public static final int MAX_BATCH_ITEMS = 500;
    /** Largest body of POST /v1/issue-batch: {@link #MAX_BATCH_ITEMS} requests of up to 8 KiB each. */
    public static final int MAX_BATCH_BODY = MAX_BATCH_ITEMS * 8 * 1024;

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    public <T> T read(byte[] body, Class<T> type) {
        return read(body, type, MAX_BODY);
    }

    /** Reads a body of at most {@code limit} bytes. */
    public <T> T read(byte[] body, Class<T> type, int limit) {
        if (body.length > limit) {
            throw new GridAuthException(CaError.RA_REQUEST_INVALID, "the body is larger than " + limit + " bytes");
        }
        try {
            return nonNull(mapper.readValue(body, type));
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    /** Reads one item of a batch, as strictly as a whole body. */
    public <T> T convert(JsonNode item, Class<T> type) {
        try {
            return nonNull(mapper.treeToValue(item, type));
        } catch (IOException | IllegalArgumentException e) {
            throw invalid(e);
        }
    }

    /** A tree of an encoded value (to put answers into a batch answer). */
    public JsonNode tree(byte[] json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("cannot decode our own answer", e);
        }
    }

    public ObjectNode object() {
        return mapper.createObjectNode();
    }

    private static <T> T nonNull(T value) {
        if (value == null) {
            throw new GridAuthException(CaError.RA_REQUEST_INVALID, "the body is empty");
        }
        return value;
    }

    private static GridAuthException invalid(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof GridAuthException g) {
                return g;
            }
        }
        String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return new GridAuthException(CaError.RA_REQUEST_INVALID, e, "not the expected JSON: " + reason);
    }

    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public ErrorReply error(GridAuthException e) {
        return new ErrorReply(e.code().code(), e.localizedMessage(Locale.ENGLISH), e.localizedMessage(Locale.JAPANESE), e.action(Locale.ENGLISH));
    }

    /** The HTTP status that carries an error: 4xx for the RA's mistakes, 409 for conflicts, 503 when a retry may help. */
    public static int status(ErrorCode code) {
        if (!(code instanceof CaError error)) {
            return 400;
        }
        return switch (error) {
            case RA_NOT_AUTHORIZED -> 403;
            case CERTIFICATE_UNKNOWN -> 404;
            case HPCI_ID_HAS_VALID_CERTIFICATE, ALREADY_REVOKED, IDEMPOTENCY_KEY_REUSED, REQUEST_IN_PROGRESS -> 409;
            case DATABASE_UNAVAILABLE, TOKEN_UNAVAILABLE, TOKEN_LOGIN_FAILED, TOKEN_KEY_MISSING, SIGNING_FAILED, ISSUANCE_FAILED -> 503;
            case INTERNAL -> 500;
            default -> 400;
        };
    }
}
