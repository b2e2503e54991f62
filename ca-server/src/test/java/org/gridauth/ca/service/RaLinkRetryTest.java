package org.gridauth.ca.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.policy.CrlSchedule;
import org.gridauth.ca.protocol.RaCodec;
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

/** Retries of RA requests whose first copy failed half-way: the answer is recovered, never a second certificate. */
class RaLinkRetryTest {

    private static final String RA = "/C=JP/O=GridAuth HSM Test/CN=ra.example.org";
    private static final String DONE = "UPDATE ca_ra_request SET state = 'DONE'";
    private static HsmTestCa ca;

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
    }

    @BeforeEach
    void wire() throws Exception {
        raw = TestDatabases.h2();
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

    private String issueBody(String requestId, String host) throws Exception {
        byte[] der = HsmTestCa.csr(TestPki.newKey(), HsmTestCa.ORGANISATION + "/OU=Hosts/CN=" + host, List.of());
        String pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
        return json.writeValueAsString(Map.of("requestId", requestId, "profile", "host", "csr", pem));
    }

    private JsonNode call(RaLinkService.Reply reply, int status) throws Exception {
        JsonNode body = json.readTree(reply.body());
        assertThat(reply.status()).as(body.toString()).isEqualTo(status);
        return body;
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

    private List<String> auditTypes() {
        return audit.read(1, 1000).stream().map(AuditRecord::type).toList();
    }

    @Test
    @DisplayName("R-CA-1: a revocation done whose answer could not be stored is answered from the revocation on retry, not GA-CA-031 forever")
    void revocationAnswerLost() throws Exception {
        String serial = call(service.issue(RA, issueBody("iss-00000001", "gone.example.org").getBytes(StandardCharsets.UTF_8)), 200)
                .get("serial").asText();
        byte[] revoke = json.writeValueAsBytes(Map.of("requestId", "rev-00000001", "serial", serial, "reason", "keyCompromise"));

        failing = DONE;
        assertThat(call(service.revoke(RA, revoke), 503).get("code").asText()).isEqualTo("GA-CA-020");
        failing = null;
        assertThat(store.find(new BigInteger(serial, 16)).orElseThrow().status()).isEqualTo(CertificateStatus.REVOKED);

        JsonNode retry = call(service.revoke(RA, revoke), 200);
        assertThat(retry.get("serial").asText()).isEqualTo(serial);
        assertThat(retry.get("reason").asText()).isEqualTo("keyCompromise");
        assertThat(call(service.revoke(RA, revoke), 200)).isEqualTo(retry);
        assertThat(auditTypes().stream().filter("REVOKE"::equals)).hasSize(1);
    }

    @Test
    @DisplayName("R-CA-1: an issuance records its certificate and the answer to its request ID in one transaction; if that fails, the retry issues exactly one certificate")
    void issuanceRecordFails() throws Exception {
        byte[] body = issueBody("iss-00000002", "retry.example.org").getBytes(StandardCharsets.UTF_8);
        failing = DONE;
        assertThat(call(service.issue(RA, body), 503).get("code").asText()).isEqualTo("GA-CA-020");
        failing = null;
        assertThat(serials("status = 'VALID'")).isEmpty();
        assertThat(serials("status = 'ABANDONED'")).hasSize(1);

        String serial = call(service.issue(RA, body), 200).get("serial").asText();
        assertThat(serials("status = 'VALID'")).containsExactly(serial);
        assertThat(call(service.issue(RA, body), 200).get("serial").asText()).isEqualTo(serial);
        assertThat(serials("status = 'VALID'")).containsExactly(serial);
    }

    @Test
    @DisplayName("R-CA-1: a retry of an issuance whose answer was lost gets the certificate issued for its request ID")
    void issuanceAnswerLost() throws Exception {
        byte[] body = issueBody("iss-00000003", "lost.example.org").getBytes(StandardCharsets.UTF_8);
        JsonNode first = call(service.issue(RA, body), 200);
        // As a first copy that died between its certificate and its answer would leave it (or a pre-V5 database).
        try (Connection c = raw.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE ca_ra_request SET state = 'IN_PROGRESS', http_status = NULL, response_body = NULL WHERE request_id = 'iss-00000003'");
        }
        JsonNode retry = call(service.issue(RA, body), 200);
        assertThat(retry.get("serial").asText()).isEqualTo(first.get("serial").asText());
        assertThat(retry.get("certificate").asText()).isEqualTo(first.get("certificate").asText());
        assertThat(serials("status = 'VALID'")).containsExactly(first.get("serial").asText());
    }

    @Test
    @DisplayName("R-CA-1: even with its request log row lost, a retried issuance is answered with the certificate its request ID holds and issues nothing new")
    void requestRowLost() throws Exception {
        byte[] body = issueBody("iss-00000005", "row.example.org").getBytes(StandardCharsets.UTF_8);
        String serial = call(service.issue(RA, body), 200).get("serial").asText();
        try (Connection c = raw.getConnection(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("DELETE FROM ca_ra_request WHERE request_id = 'iss-00000005'")).isEqualTo(1);
        }
        assertThat(call(service.issue(RA, body), 200).get("serial").asText()).isEqualTo(serial);
        assertThat(call(service.issue(RA, body), 200).get("serial").asText()).isEqualTo(serial);
        assertThat(serials("status = 'VALID'")).containsExactly(serial);
        assertThat(serials("status <> 'VALID'")).isEmpty();
    }

    @Test
    @DisplayName("R-CA-1: a request whose first copy died after reserving a serial gets GA-CA-031 for 5 minutes, then a retry takes it over; the old reservation can never complete")
    void deadFirstCopyTakenOver() throws Exception {
        byte[] body = issueBody("iss-00000004", "dead.example.org").getBytes(StandardCharsets.UTF_8);
        assertThat(requests.claim("iss-00000004", RA, "issue", sha256(new RaCodec().write(new RaCodec().read(body,
                org.gridauth.ca.protocol.RaMessages.IssueRequest.class))))).isInstanceOf(JdbcRequestLog.Claimed.class);
        BigInteger reserved = new BigInteger("123456789abcdef", 16);
        store.reserve(reserved, "host", HsmTestCa.ORGANISATION + "/OU=Hosts/CN=dead.example.org", null, null, "iss-00000004");

        assertThat(call(service.issue(RA, body), 409).get("code").asText()).isEqualTo("GA-CA-031");
        clock.advance(Duration.ofMinutes(4));
        assertThat(call(service.issue(RA, body), 409).get("code").asText()).isEqualTo("GA-CA-031");
        clock.advance(Duration.ofMinutes(2));
        String serial = call(service.issue(RA, body), 200).get("serial").asText();

        assertThat(serial).isNotEqualTo(JdbcCertificateStore.hex(reserved));
        assertThat(store.find(reserved).orElseThrow().status()).isEqualTo(CertificateStatus.ABANDONED);
        assertThat(serials("status = 'VALID'")).containsExactly(serial);
        assertThat(store.findByRequest("iss-00000004").orElseThrow().serial().toString(16)).isEqualTo(serial);
        assertThat(auditTypes()).containsSubsequence("ISSUE_ABANDONED", "ISSUE");
        assertThat(audit.verify().intact()).isTrue();
    }

    private static String sha256(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
    }
}
