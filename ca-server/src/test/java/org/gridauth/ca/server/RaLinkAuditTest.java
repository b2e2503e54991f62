package org.gridauth.ca.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.gridauth.ca.audit.AuditEvent;
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
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.testing.MutableClock;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /v1/audit on the RA link (R-RA-11, R-CA-7): the RA's console reads the CA's audit trail, newest first, with
 * filters and paging, over the same mutual TLS as every RA request. Runs on H2; {@link RaLinkAuditPostgresTest}
 * runs it on PostgreSQL.
 */
class RaLinkAuditTest {

    private static final String RA_DN = TestPki.ORGANISATION + "/CN=ra.example.org";
    private static HsmTestCa ca;
    private static Credential ra;
    private static Credential stranger;

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final MutableClock clock = new MutableClock(start);
    private JdbcAuditTrail audit;
    private RaLinkServer server;
    private HttpClient client;

    @BeforeAll
    static void fixtures() {
        ca = new HsmTestCa();
        TestPki pki = TestPki.shared();
        ra = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(RA_DN), List.of("ra.example.org"));
        stranger = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=not-the-ra.example.org"),
                List.of("not-the-ra.example.org"));
    }

    /** The CA database under test. */
    protected DataSource newDatabase() {
        return TestDatabases.h2();
    }

    @BeforeEach
    void start() throws Exception {
        CaDatabase database = new CaDatabase(newDatabase());
        audit = new JdbcAuditTrail(database, clock);
        JdbcCertificateStore store = new JdbcCertificateStore(database, audit, clock);
        IssuanceService issuance = new IssuanceService(ca.key(), HsmTestCa.policy(), store, audit, new CertificateMaker(clock));
        CrlService crls = new CrlService(ca.key(), store, new JdbcCrlStore(database, audit), CrlSchedule.defaults(),
                Files.createDirectories(dir.resolve("pub")), clock);
        RaLinkService service = new RaLinkService(issuance, new RevocationService(store, crls, audit, clock), crls, store,
                new JdbcRequestLog(database, clock), new RaCodec());
        server = new RaLinkServer(new InetSocketAddress("127.0.0.1", 0), TestPki.shared().host(), RaAuthorization.of(ra.certificate()),
                audit, service, 4, clock);
        client = client(ra);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * A trail of 12 records, one minute apart: the key ceremony, ten ISSUE records (hpci300 to hpci309, through the
     * link) and a REVOKE of the fourth certificate.
     */
    private List<String> trail() throws Exception {
        audit.append(new AuditEvent("KEY_CEREMONY", "alice, bob", HsmTestCa.DN.toOpenSsl(), Map.of("key.label", "ca-2026", "sha256", "AB:CD")));
        List<String> serials = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMinutes(1));
            String body = json.writeValueAsString(Map.of("requestId", "aud-0000000" + i, "profile", "client", "csr",
                    csrPem(HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada hpci30" + i), "hpciId", "hpci30" + i));
            HttpResponse<String> issued = post("/v1/issue", body);
            assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
            serials.add(json.readTree(issued.body()).get("serial").asText());
        }
        clock.advance(Duration.ofMinutes(1));
        HttpResponse<String> revoked = post("/v1/revoke", "{\"requestId\":\"aud-rev-0001\",\"serial\":\"" + serials.get(3)
                + "\",\"reason\":\"keyCompromise\"}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        return serials;
    }

    @Test
    @DisplayName("R-RA-11, R-CA-7: GET /v1/audit answers the trail newest first with sequence, time, actor, action, subject, details and hash, and nothing else")
    void newestFirst() throws Exception {
        trail();
        JsonNode answer = audit("");
        JsonNode records = answer.get("records");
        int total = records.size();
        assertThat(total).isGreaterThanOrEqualTo(12);
        assertThat(answer.get("next").isNull()).isTrue();
        for (int i = 1; i < total; i++) {
            assertThat(records.get(i).get("sequence").asLong()).isLessThan(records.get(i - 1).get("sequence").asLong());
        }
        JsonNode newest = records.get(0);
        List<String> fields = new ArrayList<>();
        newest.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("sequence", "time", "actor", "action", "subject", "details", "hash");
        JsonNode oldest = records.get(total - 1);
        assertThat(oldest.get("sequence").asLong()).isEqualTo(1);
        assertThat(oldest.get("action").asText()).isEqualTo("KEY_CEREMONY");
        assertThat(oldest.get("actor").asText()).isEqualTo("alice, bob");
        assertThat(oldest.get("time").asText()).isEqualTo(start.toString());
        assertThat(oldest.get("details").asText().split("; ")).containsExactlyInAnyOrder("key.label=ca-2026", "sha256=AB:CD");
        assertThat(oldest.get("hash").asText()).isEqualTo(audit.read(1, 1).get(0).hash());
        assertThat(audit("action=ISSUE").get("records")).allSatisfy(r -> assertThat(r.get("actor").asText()).isEqualTo(RA_DN));
    }

    @Test
    @DisplayName("R-RA-11: filters by action, subject or serial text, actor and time window combine; empty form fields mean any")
    void filters() throws Exception {
        List<String> serials = trail();
        assertThat(audit("action=ISSUE").get("records")).hasSize(10);
        assertThat(audit("action=revoke").get("records")).singleElement()
                .satisfies(r -> assertThat(r.get("subject").asText()).isEqualTo("serial " + serials.get(3)));
        assertThat(audit("subject=" + enc("hpci305")).get("records")).singleElement()
                .satisfies(r -> assertThat(r.get("subject").asText()).endsWith("CN=Taro Yamada hpci305"));
        // A serial is found in the subject of a revocation and in the details of an issuance.
        assertThat(audit("subject=" + serials.get(3).toUpperCase()).get("records")).extracting(r -> r.get("action").asText())
                .contains("REVOKE", "ISSUE");
        assertThat(audit("actor=" + enc("BOB")).get("records")).singleElement()
                .satisfies(r -> assertThat(r.get("action").asText()).isEqualTo("KEY_CEREMONY"));
        // Issuances at start+1min ... start+10min; [start+3min, start+6min) holds hpci302, hpci303 and hpci304.
        JsonNode window = audit("action=ISSUE&from=" + start.plus(Duration.ofMinutes(3)) + "&to=" + start.plus(Duration.ofMinutes(6)));
        assertThat(window.get("records")).extracting(r -> r.get("subject").asText().replaceAll(".* ", ""))
                .containsExactly("hpci304", "hpci303", "hpci302");
        assertThat(audit("action=&subject=&actor=&from=&to=&limit=").get("records").size()).isEqualTo(audit("").get("records").size());
        assertThat(audit("subject=" + enc("100%_")).get("records")).as("LIKE characters are taken literally").isEmpty();
        assertThat(audit("action=CRL_ISSUED&actor=" + enc("nobody")).get("records")).isEmpty();
    }

    @Test
    @DisplayName("R-RA-11: limit and the before cursor page through the trail without gaps or repeats, also while records are appended")
    void paging() throws Exception {
        trail();
        int total = audit("limit=500").get("records").size();
        List<Long> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            JsonNode page = audit("limit=5" + (next == null ? "" : "&before=" + next));
            assertThat(page.get("records").size()).isLessThanOrEqualTo(5);
            page.get("records").forEach(r -> seen.add(r.get("sequence").asLong()));
            next = page.get("next").isNull() ? null : page.get("next").asText();
            pages++;
            if (pages == 1) {
                // Appended after the first page: later pages stay where they were.
                audit.append(new AuditEvent("CRL_ISSUED", "ca", "CRL 99", Map.of()));
            }
        } while (next != null);
        assertThat(seen).hasSize(total).doesNotHaveDuplicates().isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(pages).isEqualTo((total + 4) / 5);
        assertThat(audit("").get("records").size()).as("the default page").isEqualTo(Math.min(50, total + 1));
    }

    @Test
    @DisplayName("R-RA-11, R-OP-1: a bad filter value is refused with 400 and GA-CA-038 in English and Japanese with what to do, naming the parameter")
    void badFilters() throws Exception {
        for (String[] bad : new String[][] {
                {"from=yesterday", "from"}, {"to=2026-13-01T00:00:00Z", "to"}, {"from=2026-05-01T00:00:00Z&to=2026-04-01T00:00:00Z", "to"},
                {"limit=0", "limit"}, {"limit=501", "limit"}, {"limit=ten", "limit"}, {"before=-3", "before"}, {"before=x", "before"},
                {"action=" + enc("ISSUE; DROP TABLE ca_audit"), "action"}, {"subject=" + "x".repeat(257), "subject"},
                {"actor=" + enc("a\nb"), "actor"}, {"serial=abc", "serial"}, {"action=ISSUE&action=REVOKE", "action"}}) {
            HttpResponse<String> refused = get("/v1/audit?" + bad[0]);
            assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
            JsonNode error = json.readTree(refused.body());
            assertThat(error.get("code").asText()).as(bad[0]).isEqualTo("GA-CA-038");
            assertThat(error.get("message").asText()).as(bad[0]).contains("\"" + bad[1] + "\"");
            assertThat(error.get("messageJa").asText()).as(bad[0]).contains("「" + bad[1] + "」");
            assertThat(error.get("action").asText()).contains("ISO-8601");
        }
        assertThat(get("/v1/audit/1").statusCode()).isEqualTo(404);
    }

    @Test
    @DisplayName("R-CA-1, R-RA-11: only a configured RA reads the trail; any other client certificate is refused in the handshake")
    void onlyTheRa() throws Exception {
        HttpClient other = client(stranger);
        assertThatThrownBy(() -> other.send(HttpRequest.newBuilder(uri("/v1/audit")).GET().build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThat(audit("action=RA_REJECTED").get("records")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.get("actor").asText()).endsWith("CN=not-the-ra.example.org"));
    }

    private JsonNode audit(String query) throws Exception {
        HttpResponse<String> response = get("/v1/audit" + (query.isEmpty() ? "" : "?" + query));
        assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private URI uri(String pathAndQuery) {
        return URI.create("https://localhost:" + server.port() + pathAndQuery);
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(pathAndQuery)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String csrPem(String subject) {
        byte[] der = HsmTestCa.csr(TestPki.newKey(), subject, List.of());
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    private static HttpClient client(Credential as) throws Exception {
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
}
