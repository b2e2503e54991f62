package org.gridauth.certmanager.protocol;

import java.io.IOException;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.certmanager.protocol.PortalMessages.ErrorReply;
import org.gridauth.gsi.error.GridAuthException;

/** Reads and writes the JSON bodies; unknown fields are refused so a misspelt field is not silently ignored. */
public final class JsonCodec {

    /** Bodies larger than this are refused before parsing. */
    public static final int MAX_BODY = 64 * 1024;

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    public <T> T read(byte[] body, Class<T> type) {
        if (body.length > MAX_BODY) {
            throw new GridAuthException(CertManagerError.REQUEST_INVALID, "the body is larger than " + MAX_BODY + " bytes");
        }
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw new GridAuthException(CertManagerError.REQUEST_INVALID, "the body is empty");
            }
            return value;
        } catch (JsonProcessingException e) {
            // Jackson's own message can quote the input, which may hold a passphrase: name only the place.
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new GridAuthException(CertManagerError.REQUEST_INVALID, "the JSON body of a " + type.getSimpleName() + " is malformed" + where);
        } catch (IOException e) {
            throw new GridAuthException(CertManagerError.REQUEST_INVALID, "the body cannot be read");
        }
    }

    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a reply could not be encoded", e);
        }
    }

    public ErrorReply error(GridAuthException e) {
        return new ErrorReply(e.code().text().code(), e.localizedMessage(Locale.ENGLISH), e.localizedMessage(Locale.JAPANESE),
                e.action(Locale.ENGLISH));
    }

    public ObjectMapper mapper() {
        return mapper;
    }
}
