package org.gridauth.ra.protocol;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;

/**
 * JSON over mutual TLS with the portal's certificate: the transport both the certificate manager's portal API and
 * the CA's RA link use. A refusal becomes a {@link PeerRefusal} with the peer's code and texts; a transport failure
 * the given "unreachable" error.
 */
class PeerClient {

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;
    private final RaError unreachable;
    private final RaError refused;
    final ObjectMapper json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    PeerClient(URI base, Credential client, List<X509Certificate> trust, Duration timeout, RaError unreachable, RaError refused) {
        this.base = base;
        this.timeout = timeout;
        this.unreachable = unreachable;
        this.refused = refused;
        try {
            SSLContext context = org.gridauth.gsi.credential.TlsKeys.clientContext(client, trust);
            this.http = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
        } catch (GeneralSecurityException e) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, e, "the portal certificate cannot be used for TLS: " + e.getMessage());
        }
    }

    URI base() {
        return base;
    }

    <T> T post(String path, Object body, Class<T> reply) {
        try {
            return read(send(HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build()), reply);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a request body could not be encoded", e);
        }
    }

    <T> T get(String pathAndQuery, Class<T> reply) {
        return read(send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(timeout).GET().build()), reply);
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new GridAuthException(unreachable, e, base + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GridAuthException(unreachable, e, base + " (interrupted)");
        }
    }

    private <T> T read(HttpResponse<byte[]> response, Class<T> type) {
        JsonNode tree;
        try {
            tree = json.readTree(response.body());
        } catch (IOException e) {
            throw new GridAuthException(unreachable, e, base + " (HTTP " + response.statusCode() + " with a body that is not JSON)");
        }
        if (response.statusCode() != 200) {
            String code = tree.path("code").asText("");
            if (response.statusCode() >= 500 && code.isEmpty() || response.statusCode() == 503) {
                throw new GridAuthException(unreachable, base + " (" + (code.isEmpty() ? "HTTP " + response.statusCode() : code + " "
                        + tree.path("message").asText()) + ")");
            }
            throw new PeerRefusal(refused, response.statusCode(), code, tree.path("message").asText("HTTP " + response.statusCode()),
                    tree.path("messageJa").asText(""), tree.path("action").asText(""));
        }
        try {
            return json.treeToValue(tree, type);
        } catch (IOException e) {
            throw new GridAuthException(unreachable, e, base + " (a reply the portal cannot read: " + type.getSimpleName() + ")");
        }
    }
}
