package org.gridauth.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.TlsKeys;

/**
 * The certificate manager's portal API (mutual TLS with the portal's loopback credential), as the launcher uses it:
 * the command-line demo researcher's certificate and the issuance and proxy load functions. Refusals come back as
 * the certificate manager's error object, which never holds a passphrase.
 */
final class CertManagerApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final URI base;

    CertManagerApi(LoopbackPki pki, int port) {
        Credential portal = CredentialFiles.readUserCredential(pki.portalCert(), pki.portalKey(), null);
        try {
            this.client = HttpClient.newBuilder().sslContext(TlsKeys.clientContext(portal, List.of(pki.caCertificate())))
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS with the portal credential: " + e.getMessage(), e);
        }
        this.base = URI.create("https://localhost:" + port);
    }

    /** POSTs a JSON object; the answer's JSON, or an exception naming the HTTP status and the error object. */
    JsonNode post(String path, Map<String, Object> body) {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the certificate manager answered " + path + " with HTTP " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("the certificate manager at " + base + " cannot be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the certificate manager", e);
        }
    }
}
