package org.gridauth.certmanager.feed;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.gridauth.certmanager.registry.MappingFixture;
import org.gridauth.certmanager.registry.RegistryImporter;
import org.gridauth.certmanager.registry.RegistryKind;
import org.gridauth.certmanager.registry.RegistrySource;
import org.gridauth.certmanager.registry.SiteRegistry;
import org.gridauth.certmanager.server.CertManagerServer;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.testing.MutableClock;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sites' feed over real HTTPS with real host certificates (TestPki), on H2 and PostgreSQL (subclasses).
 * Every incremental response is checked against the truth: a site that applies it to its copy must hold exactly
 * what a fresh full read returns.
 */
abstract class FeedContract {

    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    static final String SITE_A_DN = TestPki.ORGANISATION + "/CN=site-a.example.jp";
    static final String SITE_B_DN = TestPki.ORGANISATION + "/CN=site-b.example.jp";
    static final ObjectMapper JSON = new ObjectMapper();
    private static Credential siteA;
    private static Credential siteB;
    private static Credential stranger;

    @TempDir
    Path dir;
    MutableClock clock;
    MappingFixture fixture;
    RegistryImporter importer;
    CertManagerServer server;
    ChainValidator validator;
    HttpClient clientA;

    abstract DataSource database();

    static synchronized void certificates() {
        if (siteA == null) {
            TestPki pki = TestPki.shared();
            siteA = pki.issue(CertificateProfiles.host(), GridDn.fromOpenSsl(SITE_A_DN), List.of("site-a.example.jp"));
            siteB = pki.issue(CertificateProfiles.host(), GridDn.fromOpenSsl(SITE_B_DN), List.of("site-b.example.jp"));
            stranger = pki.issue(CertificateProfiles.host(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=unknown.example.jp"), List.of("unknown.example.jp"));
        }
    }

    @BeforeEach
    void start() throws IOException {
        certificates();
        clock = new MutableClock(NOW);
        fixture = new MappingFixture(database());
        importer = new RegistryImporter(fixture.database, clock, RegistryImporter.DEFAULT_ZONE);
        TestPki pki = TestPki.shared();
        validator = ChainValidator.strict(pki.trustDir());
        FeedHandler handler = new FeedHandler(new FeedStore(fixture.dataSource, clock), new SiteRegistry(fixture.database, clock), fixture.database, clock);
        server = new CertManagerServer(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), pki.host(), validator, 4)
                .route(FeedHandler.PATH, handler).start();
        clientA = client(siteA);

        registries("hpci001,hpci002,hpci003,hpci004,hpci005,hpci006", "hpci002", "hpci001,hpci002,hpci003,hpci005");
        for (int i = 1; i <= 6; i++) {
            fixture.account("hpci00" + i, "user" + i, "user" + i + "@example.ac.jp");
        }
        fixture.credential("c1", "hpci001", dn("Taro Yamada"), NOW.plus(Duration.ofDays(365)));
        fixture.credential("c2", "hpci002", dn("Hanako \"Hana\" Suzuki"), NOW.plus(Duration.ofDays(365)));
        fixture.credential("c3", "hpci003", dn("Jiro Sato"), NOW.plus(Duration.ofDays(365)));
        fixture.credential("c4", "hpci004", dn("Shiro Ito"), NOW.plus(Duration.ofDays(365)));
        fixture.credential("c5", "hpci005", dn("Goro Kato"), NOW.plus(Duration.ofHours(2)), "MYPROXY", "goro-myproxy");
        fixture.credential("c6", "hpci006", dn("Rokuro Abe"), NOW.plus(Duration.ofDays(365)));
    }

    @AfterEach
    void stop() {
        server.close();
        validator.close();
    }

    static String dn(String cn) {
        return TestPki.ORGANISATION + "/OU=Users/CN=" + cn;
    }

    /**
     * Imports the registries: the given researchers (those in {@code suspended} suspended), project P1 (current,
     * members as given), P2 (from 2026-07-01: hpci004), P3 (hpci006); site-a's res-a admits P1 and P2, res-a2 P1;
     * site-b's res-b admits P3.
     */
    void registries(String researchers, String suspended, String p1Members) throws IOException {
        StringBuilder people = new StringBuilder("hpci_id,eppn,given_name,family_name,email,status\n");
        for (String id : researchers.split(",")) {
            people.append(id).append(',').append(id).append("@example.ac.jp,Given,Family,").append(id).append("@example.ac.jp,")
                    .append(List.of(suspended.split(",")).contains(id) ? "suspended" : "active").append('\n');
        }
        StringBuilder projects = new StringBuilder("project_id,name,vo,start,end,hpci_id,group,role\n");
        for (String id : p1Members.split(",")) {
            projects.append("P1,Project one,hpci.jp,2026-04-01,2027-03-31,").append(id).append(",,\n");
        }
        projects.append("P2,Project two,hpci.jp,2026-07-01,2027-03-31,hpci004,,\n");
        projects.append("P3,Project three,hpci.jp,2026-04-01,2027-03-31,hpci006,,\n");
        String resources = "resource_id,site_id,name,project_id,site_host_dn\n"
                + "res-a,site-a,Supercomputer A,P1," + SITE_A_DN + "\nres-a,site-a,Supercomputer A,P2,\nres-a2,site-a,Supercomputer A2,P1,\n"
                + "res-b,site-b,Cluster B,P3," + SITE_B_DN + "\n";
        importer.importRegistries(Map.of(
                RegistryKind.RESEARCHERS, RegistrySource.file(Files.writeString(dir.resolve("researchers.csv"), people)),
                RegistryKind.PROJECTS, RegistrySource.file(Files.writeString(dir.resolve("projects.csv"), projects)),
                RegistryKind.RESOURCES, RegistrySource.file(Files.writeString(dir.resolve("resources.csv"), resources))), "operator:test");
    }

    HttpClient client(Credential credential) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("site", credential.privateKey(), new char[0], credential.chain().toArray(new Certificate[0]));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
            keyManagers.init(keys, new char[0]);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", TestPki.shared().ca().certificate());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    record Reply(int status, java.net.http.HttpHeaders headers, JsonNode body) {
        List<String> serials() {
            List<String> serials = new ArrayList<>();
            body.get("entries").forEach(e -> serials.add(e.get("serial").asText()));
            return serials;
        }

        Map<String, String> statuses() {
            Map<String, String> statuses = new TreeMap<>();
            body.get("entries").forEach(e -> statuses.put(e.get("serial").asText(), e.get("status").asText()));
            return statuses;
        }

        String cursor() {
            return body.get("cursor").asText();
        }

        JsonNode entry(String serial) {
            for (JsonNode e : body.get("entries")) {
                if (e.get("serial").asText().equals(serial)) {
                    return e;
                }
            }
            throw new AssertionError("no entry " + serial + " in " + body);
        }
    }

    Reply get(HttpClient client, String query, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + query)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        byte[] body = response.body();
        if (response.headers().firstValue("Content-Encoding").orElse("").equals("gzip")) {
            body = new GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
        }
        JsonNode json = body.length == 0 ? null : JSON.readTree(new String(body, StandardCharsets.UTF_8));
        if (response.statusCode() == 200) {
            assertThat(json.get("format").asText()).isEqualTo("gridauth-feed/1");
            assertThat(json.get("count").asLong()).as("count, the last member").isEqualTo(json.get("entries").size());
        }
        return new Reply(response.statusCode(), response.headers(), json);
    }

    /** A site's copy: the valid entries by serial, as gridmap-tool keeps them. */
    static final class SiteCopy {
        final Map<String, JsonNode> valid = new TreeMap<>();
        String cursor;

        void apply(Reply reply) {
            assertThat(reply.status()).isEqualTo(200);
            if (reply.body().get("type").asText().equals("full")) {
                valid.clear();
            }
            for (JsonNode entry : reply.body().get("entries")) {
                if (entry.get("status").asText().equals("valid")) {
                    valid.put(entry.get("serial").asText(), entry);
                } else {
                    valid.remove(entry.get("serial").asText());
                }
            }
            cursor = reply.cursor();
        }
    }

    /** Reads the changes since the copy's cursor, applies them and checks the copy against a fresh full read. */
    Reply sync(SiteCopy copy) throws IOException, InterruptedException {
        Reply changes = get(clientA, "/v1/feed?since=" + copy.cursor);
        assertThat(changes.body().get("type").asText()).isEqualTo("changes");
        assertThat(changes.body().get("since").asText()).isEqualTo(copy.cursor);
        copy.apply(changes);
        Reply full = get(clientA, "/v1/feed");
        Map<String, JsonNode> truth = new TreeMap<>();
        full.body().get("entries").forEach(e -> truth.put(e.get("serial").asText(), e));
        assertThat(copy.valid).as("the site's copy after applying the changes equals a full read").isEqualTo(truth);
        assertThat(full.cursor()).isEqualTo(changes.cursor());
        return changes;
    }

    @Test
    @DisplayName("R-CM-3, R-RS-2: the full feed lists the valid mappings of the site's resources with DN, ePPN, HPCI-ID, local account, status")
    void fullFeed() throws Exception {
        Reply full = get(clientA, "/v1/feed");

        assertThat(full.status()).isEqualTo(200);
        assertThat(full.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
        assertThat(full.body().get("type").asText()).isEqualTo("full");
        assertThat(full.body().get("site").asText()).isEqualTo("site-a");
        assertThat(full.body().has("since")).isFalse();
        assertThat(full.serials()).as("c2 suspended, c4 in a project not begun, c6 at another site").containsExactly("c1", "c3", "c5");
        assertThat(JSON.writeValueAsString(full.entry("c1"))).isEqualTo("{\"serial\":\"c1\",\"subjectDn\":\"" + dn("Taro Yamada")
                + "\",\"hpciId\":\"hpci001\",\"eppn\":\"user1@example.ac.jp\",\"localAccount\":\"user1\",\"location\":\"store\","
                + "\"notAfter\":\"2027-06-01T00:00:00Z\",\"status\":\"valid\",\"resources\":[\"res-a\",\"res-a2\"]}");
        assertThat(full.entry("c5").get("localAccount").asText()).as("MyProxy user name").isEqualTo("goro-myproxy");
        assertThat(full.entry("c5").get("location").asText()).isEqualTo("myproxy");
        List<String> names = new ArrayList<>();
        full.body().fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("format", "type", "site", "cursor", "entries", "count");

        Reply siteBFull = get(client(siteB), "/v1/feed");
        assertThat(siteBFull.serials()).as("each site sees only its own resources").containsExactly("c6");
        assertThat(siteBFull.entry("c6").get("resources").toString()).isEqualTo("[\"res-b\"]");
    }

    @Test
    @DisplayName("R-RS-2: the full feed has a strong ETag; If-None-Match gives 304 until something changes; gzip is its own representation")
    void etag() throws Exception {
        Reply first = get(clientA, "/v1/feed");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("\"[A-Za-z0-9_-]{32}\"");

        Reply again = get(clientA, "/v1/feed");
        assertThat(again.headers().firstValue("ETag")).contains(etag);
        assertThat(again.body()).as("same ETag, same bytes").isEqualTo(first.body());
        assertThat(get(clientA, "/v1/feed", "If-None-Match", etag).status()).isEqualTo(304);
        assertThat(get(clientA, "/v1/feed", "If-None-Match", "\"other\", W/" + etag).status()).isEqualTo(304);
        clock.advance(Duration.ofMinutes(30));
        assertThat(get(clientA, "/v1/feed", "If-None-Match", etag).status()).as("time passed, nothing expired").isEqualTo(304);

        Reply gzip = get(clientA, "/v1/feed", "Accept-Encoding", "gzip");
        assertThat(gzip.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(gzip.body()).isEqualTo(first.body());
        assertThat(gzip.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);

        fixture.setStatus("c3", "REVOKED");
        Reply changed = get(clientA, "/v1/feed", "If-None-Match", etag);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
        assertThat(changed.serials()).containsExactly("c1", "c5");

        clock.advance(Duration.ofHours(2));
        String beforeExpiry = changed.headers().firstValue("ETag").orElseThrow();
        Reply expired = get(clientA, "/v1/feed", "If-None-Match", beforeExpiry);
        assertThat(expired.status()).as("c5 expired: the representation changed").isEqualTo(200);
        assertThat(expired.serials()).containsExactly("c1");
    }

    @Test
    @DisplayName("R-CM-3, R-RS-4: changes since a cursor carry additions, revocations, suspensions, membership ends, expiries and project starts")
    void incremental() throws Exception {
        SiteCopy copy = new SiteCopy();
        copy.apply(get(clientA, "/v1/feed"));

        Reply nothing = sync(copy);
        assertThat(nothing.serials()).isEmpty();
        String before = copy.cursor;
        fixture.unrelatedChange();
        assertThat(sync(copy).serials()).as("a change elsewhere reports nothing here").isEmpty();
        assertThat(copy.cursor).isNotEqualTo(before);

        // Renewal: the old certificate is superseded, the new one added.
        fixture.setStatus("c1", "SUPERSEDED");
        fixture.credential("c1b", "hpci001", dn("Taro Yamada"), NOW.plus(Duration.ofDays(400)));
        assertThat(sync(copy).statuses()).containsExactly(Map.entry("c1", "superseded"), Map.entry("c1b", "valid"));

        fixture.setStatus("c3", "REVOKED");
        assertThat(sync(copy).statuses()).containsExactly(Map.entry("c3", "revoked"));

        registries("hpci001,hpci002,hpci003,hpci004,hpci005,hpci006", "hpci005", "hpci001,hpci002,hpci003,hpci005");
        assertThat(sync(copy).statuses()).as("hpci002 reinstated, hpci005 suspended")
                .containsExactly(Map.entry("c2", "valid"), Map.entry("c5", "suspended"));

        registries("hpci001,hpci002,hpci003,hpci004,hpci005,hpci006", "", "hpci002,hpci003,hpci005");
        Reply membershipEnd = sync(copy);
        assertThat(membershipEnd.statuses()).as("hpci001 left P1; hpci005 active again")
                .containsExactly(Map.entry("c1b", "removed-from-project"), Map.entry("c5", "valid"));
        assertThat(membershipEnd.entry("c1b").get("resources").size()).isZero();

        clock.advance(Duration.ofHours(3));
        assertThat(sync(copy).statuses()).containsExactly(Map.entry("c5", "expired"));
        assertThat(sync(copy).serials()).as("an expiry is reported once").isEmpty();

        clock.set(Instant.parse("2026-06-30T15:00:00Z"));  // 2026-07-01 00:00 in Japan: P2 begins
        Reply projectStart = sync(copy);
        assertThat(projectStart.statuses()).containsExactly(Map.entry("c4", "valid"));
        assertThat(projectStart.entry("c4").get("resources").toString()).isEqualTo("[\"res-a\"]");
        assertThat(copy.valid.keySet()).containsExactly("c2", "c4");

        clock.set(Instant.parse("2027-03-31T15:00:00Z"));  // every project has ended
        assertThat(sync(copy).statuses()).containsExactly(Map.entry("c2", "removed-from-project"), Map.entry("c4", "removed-from-project"));
        assertThat(copy.valid).isEmpty();
    }

    @Test
    @DisplayName("R-RS-4: a researcher removed from every project of a site disappears from it, and other sites never hear of it")
    void removalIsPerSite() throws Exception {
        HttpClient clientB = client(siteB);
        String cursorB = get(clientB, "/v1/feed").cursor();
        SiteCopy copy = new SiteCopy();
        copy.apply(get(clientA, "/v1/feed"));

        fixture.setStatus("c6", "REVOKED");
        fixture.setStatus("c1", "REVOKED");
        Reply siteB = get(clientB, "/v1/feed?since=" + cursorB);
        assertThat(siteB.statuses()).containsExactly(Map.entry("c6", "revoked"));
        assertThat(sync(copy).statuses()).containsExactly(Map.entry("c1", "revoked"));

        // hpci003 removed from P1 and, in the same import, hpci003's certificate revoked before: still reported.
        fixture.setStatus("c3", "REVOKED");
        registries("hpci001,hpci002,hpci003,hpci004,hpci005,hpci006", "hpci002", "hpci001,hpci002,hpci005");
        assertThat(sync(copy).statuses()).containsExactly(Map.entry("c3", "revoked"));
        assertThat(get(clientB, "/v1/feed?since=" + siteB.cursor()).serials()).isEmpty();
    }

    @Test
    @DisplayName("R-CM-3: a change numbered before a read but committed after it is still reported by the next changes response")
    void commitOrder() throws Exception {
        SiteCopy copy = new SiteCopy();
        copy.apply(get(clientA, "/v1/feed"));
        try (java.sql.Connection writer = fixture.dataSource.getConnection()) {
            writer.setAutoCommit(false);
            long seq = org.gridauth.certmanager.store.CmDatabase.nextChange(writer);
            try (java.sql.PreparedStatement update = writer.prepareStatement(
                    "UPDATE cm_credential SET status = 'REVOKED', valid_hpci_id = NULL, change_seq = ? WHERE serial = 'c3'")) {
                update.setLong(1, seq);
                update.executeUpdate();
            }
            // Read while the revocation is numbered but not committed: the site still sees c3 as valid.
            Reply during = get(clientA, "/v1/feed?since=" + copy.cursor);
            assertThat(during.serials()).isEmpty();
            copy.apply(during);
            assertThat(copy.valid).containsKey("c3");
            writer.commit();
        }
        assertThat(sync(copy).statuses()).containsExactly(Map.entry("c3", "revoked"));
        assertThat(copy.valid).doesNotContainKey("c3");
    }

    @Test
    @DisplayName("R-CM-3: an unknown host certificate gets 403 with GA-CM-102 and an audit record")
    void unknownSite() throws Exception {
        Reply refused = get(client(stranger), "/v1/feed");

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().get("error").get("code").asText()).isEqualTo("GA-CM-102");
        assertThat(refused.body().get("error").get("message").asText()).contains("/CN=unknown.example.jp");
        assertThat(refused.body().get("error").get("messageJa").asText()).contains("ホスト証明書");
        assertThat(fixture.audit()).anySatisfy(a -> assertThat(a).startsWith("feed refused - by " + TestPki.ORGANISATION + "/CN=unknown.example.jp"));
        assertThat(fixture.audit()).noneSatisfy(a -> assertThat(a).startsWith("feed ok"));

        get(clientA, "/v1/feed");
        assertThat(fixture.audit()).anySatisfy(a -> assertThat(a).startsWith("feed ok site-a by " + SITE_A_DN + ": full: 3 entries"));
    }

    @Test
    @DisplayName("R-RS-2: malformed cursors, a cursor ahead of the database, other methods and parameters are refused with GA-CM codes")
    void badRequests() throws Exception {
        Reply bad = get(clientA, "/v1/feed?since=yesterday");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("error").get("code").asText()).isEqualTo("GA-CM-103");

        Reply ahead = get(clientA, "/v1/feed?since=c1.999999.0");
        assertThat(ahead.status()).isEqualTo(410);
        assertThat(ahead.body().get("error").get("code").asText()).isEqualTo("GA-CM-104");

        Reply unknownParameter = get(clientA, "/v1/feed?all=true");
        assertThat(unknownParameter.status()).isEqualTo(400);
        assertThat(unknownParameter.body().get("error").get("code").asText()).isEqualTo("GA-CM-107");

        HttpResponse<String> post = clientA.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/v1/feed"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET");
        assertThat(post.body()).contains("GA-CM-107");

        assertThat(get(clientA, "/v1/feedx").status()).isEqualTo(404);
    }
}
