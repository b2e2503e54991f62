package org.gridauth.ca.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.policy.CrlSchedule;
import org.gridauth.ca.protocol.RaCodec;
import org.gridauth.ca.protocol.RaMessages.IssueRequest;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.CertificateStatus;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.store.JdbcCrlStore;
import org.gridauth.ca.store.JdbcRequestLog;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.testing.MutableClock;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POST /v1/issue-batch at the service: every item is carried out as POST /v1/issue would carry it out alone (its own
 * request ID, idempotency and recovery), with one reservation and one recording transaction for the batch.
 */
class RaLinkBatchTest {

    private static final String RA = "/C=JP/O=GridAuth HSM Test/CN=ra.example.org";
    private static final String DONE = "UPDATE ca_ra_request SET state = 'DONE'";
    private static HsmTestCa ca;
    private static KeyPair userKey;

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private DataSource raw;
    /** A statement starting with this text fails (the database failing at that moment); null: none fails. */
    private volatile String failing;
    private MutableClock clock;
    private JdbcAuditTrail audit;
    private JdbcCertificateStore store;
    private JdbcRequestLog requests;
    private RaLinkService service;

    @BeforeAll
    static void hsm() {
        ca = new HsmTestCa();
        userKey = TestPki.newKey();
    }

    @BeforeEach
    void wire() throws Exception {
        raw = newDatabase();
        clock = new MutableClock(Instant.now());
        CaDatabase database = new CaDatabase(failingOn(raw));
        audit = new JdbcAuditTrail(database, clock);
        store = new JdbcCertificateStore(database, audit, clock);
        requests = new JdbcRequestLog(database, clock);
        IssuanceService issuance = new IssuanceService(ca.key(), HsmTestCa.policy(), store, audit, new CertificateMaker(clock));
        CrlService crls = new CrlService(ca.key(), store, new JdbcCrlStore(database, audit), CrlSchedule.defaults(),
                Files.createDirectories(dir.resolve("pub")), clock);
        service = new RaLinkService(issuance, new RevocationService(store, crls, audit, clock), crls, store, requests, new RaCodec());
    }

    /** The database the suite runs on: embedded H2 here, PostgreSQL in {@link RaLinkBatchPostgresTest}. */
    protected DataSource newDatabase() {
        return TestDatabases.h2();
    }

    private DataSource failingOn(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            Object result = invoke(target, method, args);
            if (!(result instanceof Connection connection)) {
                return result;
            }
            return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> {
                String f = failing;
                if (m.getName().equals("prepareStatement") && f != null && ((String) a[0]).startsWith(f)) {
                    throw new SQLException("injected failure: the database went away", "08006");
                }
                return invoke(connection, m, a);
            });
        });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    private static Map<String, Object> host(String requestId, String host) {
        return Map.of("requestId", requestId, "profile", "host",
                "csr", pem(HsmTestCa.csr(userKey, HsmTestCa.ORGANISATION + "/OU=Hosts/CN=" + host, List.of())));
    }

    private static Map<String, Object> client(String requestId, String hpciId) {
        return Map.of("requestId", requestId, "profile", "client", "hpciId", hpciId,
                "csr", pem(HsmTestCa.csr(userKey, HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada " + hpciId, List.of())));
    }

    private byte[] batch(List<?> items) throws Exception {
        return json.writeValueAsBytes(Map.of("requests", items));
    }

    /** Posts the batch; returns its results, after checking that they answer the items in order. */
    private List<JsonNode> post(byte[] body) throws Exception {
        RaLinkService.Reply reply = service.issueBatch(RA, body);
        JsonNode answer = json.readTree(reply.body());
        assertThat(reply.status()).as(answer.toString()).isEqualTo(200);
        List<JsonNode> results = new ArrayList<>();
        answer.get("results").forEach(results::add);
        JsonNode sent = json.readTree(body).get("requests");
        assertThat(results).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertThat(results.get(i).get("requestId").asText()).isEqualTo(sent.get(i).get("requestId").asText());
        }
        return results;
    }

    private static String serial(JsonNode result) {
        assertThat(result.has("error")).as(result.toString()).isFalse();
        assertThat(result.get("certificate").asText()).startsWith("-----BEGIN CERTIFICATE-----");
        return result.get("serial").asText();
    }

    private static String code(JsonNode result) {
        assertThat(result.has("certificate")).as(result.toString()).isFalse();
        return result.get("error").get("code").asText();
    }

    private List<String> serials(String where) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = raw.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT serial FROM ca_certificate WHERE " + where + " ORDER BY serial")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** State, HTTP status and stored body of the request-log rows that match, as "STATE status body". */
    private List<String> requestRows(String where) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = raw.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT state, http_status, response_body FROM ca_ra_request WHERE " + where + " ORDER BY request_id")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getInt(2) + " " + rs.getString(3));
            }
        }
        return out;
    }

    private List<AuditRecord> auditRecords() {
        return audit.read(1, 10_000);
    }

    @Test
    @DisplayName("R-CA-1, R-CA-7: a batch answers every item in order; a bad CSR is refused alone and audited; the ISSUE records are chained in the batch's order")
    void itemsAreIndependent() throws Exception {
        Map<String, Object> bad = new LinkedHashMap<>(host("bat-00000002", "unused.example.org"));
        bad.put("csr", "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgcmVxdWVzdA==\n-----END CERTIFICATE REQUEST-----\n");
        List<JsonNode> results = post(batch(List.of(host("bat-00000001", "a.example.org"), bad, client("bat-00000003", "hpci100001"),
                Map.of("requestId", "bat-00000004", "profile", "host"))));

        String first = serial(results.get(0));
        assertThat(code(results.get(1))).isEqualTo("GA-CA-010");
        assertThat(results.get(1).get("httpStatus").asInt()).isEqualTo(400);
        String third = serial(results.get(2));
        assertThat(results.get(2).get("subject").asText()).endsWith("/CN=Taro Yamada hpci100001");
        assertThat(results.get(2).get("status").asText()).isEqualTo("VALID");
        assertThat(code(results.get(3))).isEqualTo("GA-CA-032");
        assertThat(serials("status = 'VALID'")).containsExactlyInAnyOrder(first, third);
        assertThat(serials("status <> 'VALID'")).isEmpty();

        List<String> issued = auditRecords().stream().filter(r -> r.type().equals("ISSUE")).map(r -> r.details()).toList();
        assertThat(issued).hasSize(2);
        assertThat(issued.get(0)).contains("serial=" + first);
        assertThat(issued.get(1)).contains("serial=" + third);
        assertThat(auditRecords()).extracting(AuditRecord::type).contains("ISSUE_REFUSED");
        assertThat(audit.verify().intact()).isTrue();
        // The refused item's answer is stored like a refused /v1/issue: the retry gets it again, nothing is issued.
        assertThat(code(post(batch(List.of(bad))).get(0))).isEqualTo("GA-CA-010");
        assertThat(serials("status = 'VALID'")).hasSize(2);
    }

    @Test
    @DisplayName("R-CA-4: two items of one batch for the same HPCI-ID: the first is issued, the second refused (GA-CA-015); a later batch for it is refused too")
    void oneClientCertificatePerHpciIdWithinABatch() throws Exception {
        List<JsonNode> results = post(batch(List.of(client("bat-00000011", "hpci200001"), client("bat-00000012", "hpci200001"),
                client("bat-00000013", "hpci200002"))));
        String first = serial(results.get(0));
        assertThat(code(results.get(1))).isEqualTo("GA-CA-015");
        assertThat(results.get(1).get("httpStatus").asInt()).isEqualTo(409);
        assertThat(results.get(1).get("error").get("message").asText()).contains(first);
        serial(results.get(2));
        assertThat(code(post(batch(List.of(client("bat-00000014", "hpci200001")))).get(0))).isEqualTo("GA-CA-015");
        assertThat(serials("hpci_id = 'hpci200001'")).containsExactly(first);
        // Once the certificate has expired it no longer counts (R-CA-4 speaks of valid certificates): one new one, not two.
        clock.advance(Duration.ofDays(400));
        List<JsonNode> renewed = post(batch(List.of(client("bat-00000015", "hpci200001"), client("bat-00000016", "hpci200001"))));
        String second = serial(renewed.get(0));
        assertThat(code(renewed.get(1))).isEqualTo("GA-CA-015");
        assertThat(serials("hpci_id = 'hpci200001'")).containsExactlyInAnyOrder(first, second);
        assertThat(audit.verify().intact()).isTrue();
    }

    @Test
    @DisplayName("R-CA-1: a retried batch gets the same certificates and issues none twice; an item retried alone on /v1/issue gets the same certificate")
    void retriedBatchIsIdempotent() throws Exception {
        Map<String, Object> alone = host("bat-00000022", "b.example.org");
        byte[] body = batch(List.of(host("bat-00000021", "a.example.org"), alone, client("bat-00000023", "hpci300001")));
        List<JsonNode> first = post(body);
        // Answered by their certificates in the transaction that recorded them: DONE, status 200, no stored body.
        assertThat(requestRows("request_id IN ('bat-00000021', 'bat-00000022', 'bat-00000023')")).containsExactly("DONE 200 null", "DONE 200 null",
                "DONE 200 null");
        List<JsonNode> again = post(body);
        for (int i = 0; i < 3; i++) {
            assertThat(serial(again.get(i))).isEqualTo(serial(first.get(i)));
            assertThat(again.get(i).get("certificate").asText()).isEqualTo(first.get(i).get("certificate").asText());
            // Issued items are put into the answer field by field; a retry's come from the stored certificate: same JSON.
            assertThat(again.get(i)).isEqualTo(first.get(i));
        }
        RaLinkService.Reply single = service.issue(RA, json.writeValueAsBytes(alone));
        assertThat(single.status()).isEqualTo(200);
        assertThat(json.readTree(single.body()).get("serial").asText()).isEqualTo(serial(first.get(1)));
        com.fasterxml.jackson.databind.node.ObjectNode withoutId = first.get(1).deepCopy();
        withoutId.remove("requestId");
        assertThat(json.readTree(single.body())).isEqualTo(withoutId);
        assertThat(serials("status = 'VALID'")).hasSize(3);
        assertThat(serials("status <> 'VALID'")).isEmpty();

        // The same ID with other content is refused for that item only (GA-CA-030).
        List<JsonNode> reused = post(batch(List.of(host("bat-00000021", "other.example.org"), host("bat-00000024", "c.example.org"))));
        assertThat(code(reused.get(0))).isEqualTo("GA-CA-030");
        serial(reused.get(1));
        assertThat(serials("status = 'VALID'")).hasSize(4);
    }

    @Test
    @DisplayName("R-CA-1: one request ID twice in a batch issues one certificate, given to both")
    void repeatedIdWithinABatch() throws Exception {
        Map<String, Object> item = host("bat-00000031", "twice.example.org");
        List<JsonNode> results = post(batch(List.of(item, item)));
        assertThat(serial(results.get(1))).isEqualTo(serial(results.get(0)));
        assertThat(serials("1 = 1")).containsExactly(serial(results.get(0)));
    }

    @Test
    @DisplayName("R-CA-1, R-CA-7: if recording the batch fails, no certificate is handed out and every serial is abandoned; the retry issues each item exactly once")
    void recordingFails() throws Exception {
        byte[] body = batch(List.of(host("bat-00000041", "a.example.org"), host("bat-00000042", "b.example.org"),
                client("bat-00000043", "hpci400001")));
        failing = DONE;
        List<JsonNode> failed = post(body);
        failing = null;
        for (JsonNode result : failed) {
            assertThat(code(result)).isEqualTo("GA-CA-020");
            assertThat(result.get("httpStatus").asInt()).isEqualTo(503);
        }
        assertThat(serials("status = 'VALID'")).isEmpty();
        List<String> abandoned = serials("status = 'ABANDONED'");
        assertThat(abandoned).hasSize(3);
        assertThat(auditRecords()).extracting(AuditRecord::type).containsExactly("ISSUE_FAILED", "ISSUE_FAILED", "ISSUE_FAILED");

        List<JsonNode> retried = post(body);
        List<String> issued = retried.stream().map(RaLinkBatchTest::serial).toList();
        assertThat(issued).doesNotContainAnyElementsOf(abandoned);
        assertThat(serials("status = 'VALID'")).containsExactlyInAnyOrderElementsOf(issued);
        assertThat(post(body).stream().map(RaLinkBatchTest::serial).toList()).isEqualTo(issued);
        assertThat(serials("status = 'VALID'")).hasSize(3);
        assertThat(audit.verify().intact()).isTrue();
    }

    @Test
    @DisplayName("R-CA-1: a batch item whose request log row was lost is answered with the certificate its request ID holds; nothing new is issued")
    void requestRowLost() throws Exception {
        byte[] body = batch(List.of(host("bat-00000051", "a.example.org"), host("bat-00000052", "b.example.org")));
        List<String> first = post(body).stream().map(RaLinkBatchTest::serial).toList();
        try (Connection c = raw.getConnection(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("DELETE FROM ca_ra_request WHERE request_id = 'bat-00000051'")).isEqualTo(1);
        }
        assertThat(post(body).stream().map(RaLinkBatchTest::serial).toList()).isEqualTo(first);
        assertThat(post(body).stream().map(RaLinkBatchTest::serial).toList()).isEqualTo(first);
        assertThat(serials("1 = 1")).containsExactlyInAnyOrderElementsOf(first);
    }

    @Test
    @DisplayName("R-CA-1: a batch item whose first copy died after reserving gets GA-CA-031 while the others are issued; after 5 minutes a retry takes it over, and the old reservation can never complete")
    void deadFirstCopyTakenOver() throws Exception {
        Map<String, Object> dead = host("bat-00000061", "dead.example.org");
        byte[] body = batch(List.of(dead, host("bat-00000062", "alive.example.org")));
        RaCodec codec = new RaCodec();
        assertThat(requests.claim("bat-00000061", RA, "issue", sha256(codec.write(codec.read(json.writeValueAsBytes(dead), IssueRequest.class)))))
                .isInstanceOf(JdbcRequestLog.Claimed.class);
        BigInteger reserved = new BigInteger("fedcba987654321", 16);
        store.reserve(reserved, "host", HsmTestCa.ORGANISATION + "/OU=Hosts/CN=dead.example.org", null, null, "bat-00000061");

        List<JsonNode> first = post(body);
        assertThat(code(first.get(0))).isEqualTo("GA-CA-031");
        String alive = serial(first.get(1));
        clock.advance(Duration.ofMinutes(6));
        List<JsonNode> retry = post(body);
        String taken = serial(retry.get(0));
        assertThat(serial(retry.get(1))).isEqualTo(alive);

        assertThat(taken).isNotEqualTo(JdbcCertificateStore.hex(reserved));
        assertThat(store.find(reserved).orElseThrow().status()).isEqualTo(CertificateStatus.ABANDONED);
        assertThat(serials("status = 'VALID'")).containsExactlyInAnyOrder(taken, alive);
        assertThat(auditRecords()).extracting(AuditRecord::type).containsSubsequence("ISSUE_ABANDONED", "ISSUE");
        assertThat(audit.verify().intact()).isTrue();
    }

    @Test
    @DisplayName("R-CA-1: a batch of more than 500 items is refused as a whole (GA-CA-032) and nothing is issued or claimed")
    void tooManyItems() throws Exception {
        Map<String, Object> item = host("bat-00000071", "a.example.org");
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < RaCodec.MAX_BATCH_ITEMS + 1; i++) {
            items.add(item);
        }
        RaLinkService.Reply reply = service.issueBatch(RA, batch(items));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(json.readTree(reply.body()).get("code").asText()).isEqualTo("GA-CA-032");
        assertThat(json.readTree(reply.body()).get("message").asText()).contains("at most 500");
        assertThat(serials("1 = 1")).isEmpty();
        assertThat(requests.claim("bat-00000071", RA, "issue", "0".repeat(64))).isInstanceOf(JdbcRequestLog.Claimed.class);
    }

    private static String sha256(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
    }
}
