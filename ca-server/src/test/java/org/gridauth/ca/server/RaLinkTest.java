package org.gridauth.ca.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.policy.CrlSchedule;
import org.gridauth.ca.policy.RaAuthorization;
import org.gridauth.ca.protocol.RaCodec;
import org.gridauth.ca.service.CrlService;
import org.gridauth.ca.service.HsmTestCa;
import org.gridauth.ca.service.IssuanceService;
import org.gridauth.ca.service.RaLinkService;
import org.gridauth.ca.service.RevocationService;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.store.JdbcCrlStore;
import org.gridauth.ca.store.JdbcRequestLog;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.ops.HttpRequestMetrics;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaLinkTest {

    private static HsmTestCa ca;
    private static Credential ra;
    private static Credential stranger;

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private JdbcAuditTrail audit;
    private RaLinkServer server;
    private javax.sql.DataSource dataSource;
    private RaLinkService service;

    @BeforeAll
    static void fixtures() {
        ca = new HsmTestCa();
        TestPki pki = TestPki.shared();
        ra = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=ra.example.org"), List.of("ra.example.org"));
        stranger = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=not-the-ra.example.org"),
                List.of("not-the-ra.example.org"));
    }

    @BeforeEach
    void start() throws Exception {
        Clock clock = Clock.systemUTC();
        dataSource = TestDatabases.h2();
        CaDatabase database = new CaDatabase(dataSource);
        audit = new JdbcAuditTrail(database, clock);
        JdbcCertificateStore store = new JdbcCertificateStore(database, audit, clock);
        IssuanceService issuance = new IssuanceService(ca.key(), HsmTestCa.policy(), store, audit, new CertificateMaker(clock));
        CrlService crls = new CrlService(ca.key(), store, new JdbcCrlStore(database, audit), CrlSchedule.defaults(),
                Files.createDirectories(dir.resolve("pub")), clock);
        service = new RaLinkService(issuance, new RevocationService(store, crls, audit, clock), crls, store,
                new JdbcRequestLog(database, clock), new RaCodec());
        server = new RaLinkServer(new InetSocketAddress("127.0.0.1", 0), TestPki.shared().host(), RaAuthorization.of(ra.certificate()),
                audit, service, 4, clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpClient client(Credential as) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("me", as.privateKey(), new char[0], as.chain().toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", TestPki.shared().ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private HttpResponse<String> post(HttpClient client, String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String csrPem(String subject) {
        byte[] der = HsmTestCa.csr(TestPki.newKey(), subject, List.of());
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    private String issueBody(String requestId, String csr, String hpciId) throws Exception {
        return json.writeValueAsString(java.util.Map.of("requestId", requestId, "profile", "client", "csr", csr, "hpciId", hpciId));
    }

    @Test
    @DisplayName("R-OP-2: every RA link request is timed by method, route pattern and status; the serial in the path is never a tag value")
    void requestMetrics() throws Exception {
        server.close();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        server = new RaLinkServer(new InetSocketAddress("127.0.0.1", 0), TestPki.shared().host(), RaAuthorization.of(ra.certificate()),
                audit, service, 4, Clock.systemUTC(), new HttpRequestMetrics(registry));
        HttpClient client = client(ra);
        assertThat(get(client, "/v1/certificates/abc123").statusCode()).isEqualTo(404);
        assertThat(get(client, "/v1/nothing").statusCode()).isEqualTo(404);

        assertThat(requests(registry, "method", "GET", "uri", "/v1/certificates/{serial}", "status", "404")).isEqualTo(1);
        assertThat(requests(registry, "uri", "NOT_FOUND")).isEqualTo(1);
        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags().toString()).doesNotContain("abc123"));
    }

    /** The server records a request just after sending its answer, on its own thread: wait for it a little. */
    private static long requests(SimpleMeterRegistry registry, String... tags) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            io.micrometer.core.instrument.Timer timer = registry.find(HttpRequestMetrics.METRIC).tags(tags).timer();
            if (timer != null && timer.count() > 0) {
                return timer.count();
            }
            Thread.sleep(50);
        }
        return 0;
    }

    @Test
    @DisplayName("R-CA-1: the RA issues over mutual TLS on the link; a retried request with the same ID returns the same certificate and issues nothing new")
    void issueIsIdempotent() throws Exception {
        HttpClient client = client(ra);
        String body = issueBody("req-00000001", csrPem(HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada hpci100"), "hpci100");

        HttpResponse<String> first = post(client, "/v1/issue", body);
        HttpResponse<String> retry = post(client, "/v1/issue", body);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        JsonNode issued = json.readTree(first.body());
        X509Certificate certificate = Pem.decode(issued.get("certificate").asText().getBytes(StandardCharsets.US_ASCII), "reply").certificates().get(0);
        assertThat(certificate.getIssuerX500Principal()).isEqualTo(ca.key().certificate().getSubjectX500Principal());
        assertThat(issued.get("serial").asText()).isEqualTo(certificate.getSerialNumber().toString(16));
        assertThat(issued.get("status").asText()).isEqualTo("VALID");
        assertThat(audit.read(1, 100)).extracting(AuditRecord::type).containsExactly("ISSUE");
        assertThat(audit.read(1, 1).get(0).actor()).isEqualTo(TestPki.ORGANISATION + "/CN=ra.example.org");

        HttpResponse<String> status = get(client, "/v1/certificates/" + issued.get("serial").asText());
        assertThat(json.readTree(status.body()).get("status").asText()).isEqualTo("VALID");

        HttpResponse<String> reused = post(client, "/v1/issue",
                issueBody("req-00000001", csrPem(HsmTestCa.ORGANISATION + "/OU=Users/CN=Jiro Suzuki hpci101"), "hpci101"));
        assertThat(reused.statusCode()).isEqualTo(409);
        assertThat(json.readTree(reused.body()).get("code").asText()).isEqualTo("GA-CA-030");
    }

    @Test
    @DisplayName("R-CA-1: POST /v1/issue-batch over mutual TLS: a body larger than 64 KiB is accepted, every item answered in order, the retry answers the same; /v1/issue keeps its 64 KiB limit")
    void issueBatch() throws Exception {
        HttpClient client = client(ra);
        java.security.KeyPair key = TestPki.newKey();
        List<String> items = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {
            String hpciId = "hpci5" + String.format("%02d", i);
            byte[] der = HsmTestCa.csr(key, HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada " + hpciId, List.of());
            String pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                    + "\n-----END CERTIFICATE REQUEST-----\n";
            items.add(issueBody(String.format("bat-%08d", i), pem, hpciId));
        }
        String body = "{\"requests\":[" + String.join(",", items) + "]}";
        assertThat(body.length()).isGreaterThan(64 * 1024);

        HttpResponse<String> first = post(client, "/v1/issue-batch", body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode results = json.readTree(first.body()).get("results");
        assertThat(results).hasSize(64);
        for (int i = 0; i < 64; i++) {
            JsonNode result = results.get(i);
            assertThat(result.get("requestId").asText()).isEqualTo(String.format("bat-%08d", i));
            X509Certificate certificate = Pem.decode(result.get("certificate").asText().getBytes(StandardCharsets.US_ASCII), "reply").certificates().get(0);
            assertThat(certificate.getSubjectX500Principal().getName()).contains(String.format("hpci5%02d", i));
            assertThat(result.get("serial").asText()).isEqualTo(certificate.getSerialNumber().toString(16));
        }
        assertThat(audit.read(1, 1000)).extracting(AuditRecord::type).hasSize(64).containsOnly("ISSUE");
        assertThat(post(client, "/v1/issue-batch", body).body()).isEqualTo(first.body());
        assertThat(audit.read(1, 1000)).hasSize(64);

        HttpResponse<String> tooLarge = post(client, "/v1/issue", body);
        assertThat(tooLarge.statusCode()).isEqualTo(400);
        assertThat(json.readTree(tooLarge.body()).get("message").asText()).contains("larger than 65536 bytes");
    }

    @Test
    @DisplayName("R-CA-8: revoke and CRL-now over the link; the status shows the revocation and its reason")
    void revokeAndCrl() throws Exception {
        HttpClient client = client(ra);
        JsonNode issued = json.readTree(post(client, "/v1/issue",
                issueBody("req-00000002", csrPem(HsmTestCa.ORGANISATION + "/OU=Users/CN=Hanako Sato hpci102"), "hpci102")).body());
        String serial = issued.get("serial").asText();

        HttpResponse<String> revoked = post(client, "/v1/revoke",
                "{\"requestId\":\"rev-00000001\",\"serial\":\"" + serial + "\",\"reason\":\"affiliationChanged\",\"note\":\"account removed\"}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        JsonNode status = json.readTree(get(client, "/v1/certificates/" + serial).body());
        assertThat(status.get("status").asText()).isEqualTo("REVOKED");
        assertThat(status.get("reason").asText()).isEqualTo("affiliationChanged");

        HttpResponse<String> again = post(client, "/v1/revoke", "{\"requestId\":\"rev-00000002\",\"serial\":\"" + serial + "\",\"reason\":\"superseded\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json.readTree(again.body()).get("code").asText()).isEqualTo("GA-CA-022");

        HttpResponse<String> crl = post(client, "/v1/crl", "{\"requestId\":\"crl-00000001\"}");
        assertThat(crl.statusCode()).as(crl.body()).isEqualTo(200);
        assertThat(json.readTree(crl.body()).get("revoked").asInt()).isEqualTo(1);
        assertThat(json.readTree(crl.body()).get("crlNumber").asText()).isEqualTo("2");
    }

    @Test
    @DisplayName("R-CA-1: malformed bodies and bad requests get their GA-CA code with English and Japanese text; a refused request is answered the same on retry")
    void badRequests() throws Exception {
        HttpClient client = client(ra);
        HttpResponse<String> garbage = post(client, "/v1/issue", "{not json");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(json.readTree(garbage.body()).get("code").asText()).isEqualTo("GA-CA-032");
        HttpResponse<String> unknownField = post(client, "/v1/issue", "{\"requestId\":\"req-00000003\",\"profile\":\"client\",\"csr\":\"x\",\"admin\":true}");
        assertThat(json.readTree(unknownField.body()).get("code").asText()).isEqualTo("GA-CA-032");
        HttpResponse<String> shortId = post(client, "/v1/crl", "{\"requestId\":\"x\"}");
        assertThat(json.readTree(shortId.body()).get("code").asText()).isEqualTo("GA-CA-032");

        String badCsr = issueBody("req-00000004", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", "hpci103");
        HttpResponse<String> refused = post(client, "/v1/issue", badCsr);
        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode error = json.readTree(refused.body());
        assertThat(error.get("code").asText()).isEqualTo("GA-CA-010");
        assertThat(error.get("messageJa").asText()).contains("CSR");
        assertThat(error.get("action").asText()).isNotBlank();
        assertThat(post(client, "/v1/issue", badCsr).body()).isEqualTo(refused.body());
        assertThat(get(client, "/v1/certificates/abc123").statusCode()).isEqualTo(404);
    }

    @Test
    @DisplayName("R-CA-1: a client with any other certificate, even one from a trusted CA, cannot connect, and the attempt is audited")
    void strangersAreRefused() throws Exception {
        HttpClient client = client(stranger);
        assertThatThrownBy(() -> post(client, "/v1/crl", "{\"requestId\":\"crl-00000009\"}")).isInstanceOf(IOException.class);
        assertThat(audit.read(1, 100)).extracting(AuditRecord::type).contains("RA_REJECTED").doesNotContain("CRL_ISSUED");
        assertThat(audit.read(1, 100).get(0).actor()).isEqualTo(TestPki.ORGANISATION + "/CN=not-the-ra.example.org");
    }
}
