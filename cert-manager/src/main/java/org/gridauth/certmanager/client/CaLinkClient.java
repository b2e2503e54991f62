package org.gridauth.certmanager.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;

/**
 * The certificate manager's side of the RA->CA link (R-CM-1): mutual TLS with the certificate manager's RA
 * certificate to the CA on 11412/tcp, JSON bodies as the CA manual documents them. Every issuing request carries
 * the caller's request ID, so a retry after a timeout gets the certificate already issued, never a second one.
 */
public final class CaLinkClient {

    /** A certificate the CA issued. */
    public record Issued(String serial, X509Certificate certificate) {
    }

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param base    https://ca.example.org:11412
     * @param ra      the RA certificate and key the CA is configured to accept
     * @param caRoots the CA certificates trusted for the CA's TLS certificate
     */
    public CaLinkClient(URI base, Credential ra, List<X509Certificate> caRoots, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        try {
            SSLContext context = org.gridauth.gsi.credential.TlsKeys.clientContext(ra, caRoots);
            this.http = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
        } catch (GeneralSecurityException e) {
            throw new GridAuthException(CertManagerError.CONFIGURATION_INVALID, e, "ca_url", "the RA credential cannot be used for TLS: "
                    + e.getMessage());
        }
    }

    /** POST /v1/issue. {@code replaces} (hex serial) makes it a renewal that supersedes that certificate. */
    public Issued issue(String requestId, String profile, String csrPem, String hpciId, String replaces) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("requestId", requestId);
        body.put("profile", profile);
        body.put("csr", csrPem);
        body.put("hpciId", hpciId);
        if (replaces != null) {
            body.put("replaces", replaces);
        }
        JsonNode reply = post("/v1/issue", body);
        String pem = reply.path("certificate").asText("");
        List<X509Certificate> certificates = Pem.decode(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII), "the CA's reply").certificates();
        if (certificates.isEmpty()) {
            throw new GridAuthException(CertManagerError.CA_REFUSED, "the reply holds no certificate");
        }
        return new Issued(reply.path("serial").asText(), certificates.get(0));
    }

    /**
     * Whether a {@code CA_REFUSED} is about the request ID rather than the request: the CA is still working on it
     * (GA-CA-031) or has it on record for other content (GA-CA-030). The request itself was not judged.
     */
    public static boolean refusedForRequestId(GridAuthException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return e.code() == CertManagerError.CA_REFUSED && (message.contains("GA-CA-030 ") || message.contains("GA-CA-031 "));
    }

    /** POST /v1/revoke; answers the certificate's status after the call. */
    public String revoke(String requestId, String serial, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("requestId", requestId);
        body.put("serial", serial);
        body.put("reason", reason);
        return post("/v1/revoke", body).path("status").asText();
    }

    private JsonNode post(String path, Map<String, Object> body) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new GridAuthException(CertManagerError.CA_UNREACHABLE, e, base, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GridAuthException(CertManagerError.CA_UNREACHABLE, e, base, "interrupted");
        }
        JsonNode reply;
        try {
            reply = json.readTree(response.body());
        } catch (IOException e) {
            throw new GridAuthException(CertManagerError.CA_UNREACHABLE, e, base, "HTTP " + response.statusCode() + " with a body that is not JSON");
        }
        if (response.statusCode() != 200) {
            String code = reply.path("code").asText("");
            String message = reply.path("message").asText("HTTP " + response.statusCode());
            if (response.statusCode() >= 500 && !code.startsWith("GA-CA-")) {
                throw new GridAuthException(CertManagerError.CA_UNREACHABLE, base, message);
            }
            throw new GridAuthException(CertManagerError.CA_REFUSED, (code.isEmpty() ? "" : code + " ") + message);
        }
        return reply;
    }
}
