package org.gridauth.certmanager;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.gridauth.certmanager.store.CredentialRecord;
import org.gridauth.certmanager.store.Location;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.proxy.ProxyInfo;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.italiangrid.voms.VOMSAttribute;
import org.italiangrid.voms.VOMSValidators;
import org.italiangrid.voms.ac.VOMSACValidator;
import org.italiangrid.voms.store.impl.DefaultVOMSTrustStore;
import org.italiangrid.voms.util.CertificateValidatorBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate manager as the portal uses it, with a real CA (RA link), a real MyProxy server, a real SMTP
 * server, and the stock myproxy-logon and voms-proxy-info where the result is meant for them.
 */
class CertManagerFlowTest {

    private static final String KEY_PASS = "correct horse battery";
    private static final String STORAGE_PASS = "proxy storage 42";

    @TempDir
    static Path dir;

    private static CertManagerFixture cm;
    private static HttpClient portal;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        cm = new CertManagerFixture(dir, TestDatabases.h2());
        portal = cm.client(cm.portal);
    }

    @AfterAll
    static void stop() {
        cm.close();
    }

    private Map<String, Object> issueBody(String requestId, String hpciId, String given, String destination) {
        Map<String, Object> body = new HashMap<>();
        body.put("requestId", requestId);
        body.put("hpciId", hpciId);
        body.put("eppn", hpciId.toLowerCase() + "@example.ac.jp");
        body.put("email", hpciId.toLowerCase() + "@example.ac.jp");
        body.put("commonName", given + " Yamada " + hpciId);
        body.put("keyPassphrase", KEY_PASS);
        body.put("keyPassphraseConfirm", KEY_PASS);
        body.put("destination", destination);
        return body;
    }

    private HttpResponse<String> post(String path, Map<String, Object> body) throws Exception {
        return cm.post(portal, path, json.writeValueAsString(body));
    }

    private JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private JsonNode refused(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = json.readTree(response.body());
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("messageJa").asText()).isNotBlank();
        assertThat(error.path("action").asText()).isNotBlank();
        return error;
    }

    private Map<String, Object> proxyBody(String hpciId, String destination) {
        Map<String, Object> body = new HashMap<>();
        body.put("hpciId", hpciId);
        body.put("eppn", hpciId.toLowerCase() + "@example.ac.jp");
        body.put("keyPassphrase", KEY_PASS);
        body.put("storagePassphrase", STORAGE_PASS);
        body.put("storagePassphraseConfirm", STORAGE_PASS);
        body.put("lifetimeHours", 6);
        body.put("destination", destination);
        return body;
    }

    @Test
    @DisplayName("R-CM-1, R-RA-3, R-CM-3, R-CM-5: a certificate issued by the CA is kept encrypted in the store, mapped, and announced by mail per domain")
    void issueToStore() throws Exception {
        JsonNode reply = ok(post("/v1/certificates", issueBody("lic-store-0001", "HPCI000101", "Taro", "STORE")));
        assertThat(reply.path("destination").asText()).isEqualTo("STORE");
        assertThat(reply.path("subject").asText()).isEqualTo(TestPki.ORGANISATION + "/OU=Users/CN=Taro Yamada HPCI000101");
        assertThat(reply.has("encryptedKey")).as("a stored key is not handed out").isFalse();
        X509Certificate certificate = Pem.decode(reply.path("certificate").asText().getBytes(StandardCharsets.US_ASCII), "reply").certificates().get(0);
        try (ChainValidator validator = ChainValidator.strict(cm.pki.trustDir())) {
            validator.validateOrThrow(List.of(certificate));
        }
        CredentialRecord stored = cm.store.validCredential("HPCI000101").orElseThrow();
        assertThat(stored.location()).isEqualTo(Location.STORE);
        assertThat(stored.encryptedKey()).contains("BEGIN ENCRYPTED PRIVATE KEY");
        PrivateKeyCheck.matches(stored.encryptedKey(), KEY_PASS, certificate);

        JsonNode retry = ok(post("/v1/certificates", issueBody("lic-store-0001", "HPCI000101", "Taro", "STORE")));
        assertThat(retry.path("serial").asText()).as("a retried request gets the same certificate").isEqualTo(reply.path("serial").asText());
        assertThat(cm.store.history("HPCI000101")).hasSize(1);

        JsonNode mappings = ok(cm.get(portal, "/v1/accounts/HPCI000101/mappings"));
        assertThat(mappings).hasSize(1);
        assertThat(mappings.get(0).path("eppn").asText()).isEqualTo("hpci000101@example.ac.jp");
        assertThat(mappings.get(0).path("status").asText()).isEqualTo("VALID");
        assertThat(mappings.get(0).path("localName").asText()).isEqualTo("hpci000101");

        assertThat(cm.mail.waitForIncomingEmail(10_000, 2)).isTrue();
        List<String> to = new java.util.ArrayList<>();
        for (MimeMessage message : cm.mail.getReceivedMessages()) {
            if (message.getSubject().contains("HPCI000101")) {
                to.add(message.getAllRecipients()[0].toString());
                to.add(message.getAllRecipients()[message.getAllRecipients().length - 1].toString());
                assertThat((String) message.getContent()).contains(reply.path("serial").asText()).contains("Taro Yamada HPCI000101")
                        .contains("証明書");
            }
        }
        assertThat(to).contains("ra-office@example.ac.jp", "hpci000101@example.ac.jp").doesNotContain("ca-ops@example.org");
    }

    @Test
    @DisplayName("R-CM-2, R-RA-8: a proxy with VO, group and role is made from the stored credential; voms-api-java and voms-proxy-info read the AC")
    void proxyWithVomsAttributes() throws Exception {
        ok(post("/v1/certificates", issueBody("lic-voms-0001", "HPCI000102", "Hanako", "STORE")));
        cm.memberships.put("HPCI000102", List.of("/hpci", "/hpci/proj-a", "/hpci/proj-a/Role=admin", "/hpci/proj-b"));
        Map<String, Object> body = proxyBody("HPCI000102", "DOWNLOAD");
        body.put("vo", "hpci");
        body.put("group", "proj-a");
        body.put("role", "admin");
        JsonNode reply = ok(post("/v1/proxies", body));
        assertThat(reply.path("attributes").toString()).contains("/hpci/proj-a/Role=admin");
        Path proxyFile = dir.resolve("x509up_voms");
        Files.writeString(proxyFile, reply.path("proxy").asText());
        Files.setPosixFilePermissions(proxyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Credential proxy = CredentialFiles.readProxy(proxyFile);
        assertThat(ProxyInfo.of(proxy.chain()).identity().toOpenSsl()).endsWith("CN=Hanako Yamada HPCI000102");
        assertThat(Duration.between(Instant.now(), proxy.notAfter()).toMinutes()).isBetween(350L, 360L);

        Path vomsdir = dir.resolve("vomsdir");
        Files.createDirectories(vomsdir.resolve("hpci"));
        Files.writeString(vomsdir.resolve("hpci").resolve(CertManagerFixture.VO_HOST + ".lsc"),
                cm.acIssuer.subject().toOpenSsl() + "\n" + TestPki.CA_DN.toOpenSsl() + "\n");
        VOMSACValidator validator = VOMSValidators.newValidator(new DefaultVOMSTrustStore(List.of(vomsdir.toString()), org.italiangrid.voms.util.NullListener.INSTANCE),
                new CertificateValidatorBuilder().trustAnchorsDir(cm.pki.trustDir().toString()).opensslHashFunction(CertificateValidatorBuilder.OpensslHashFunction.SHA1).lazyAnchorsLoading(false).build());
        List<org.italiangrid.voms.ac.VOMSValidationResult> results = validator.validateWithResult(proxy.chain().toArray(X509Certificate[]::new));
        validator.shutdown();
        assertThat(results).hasSize(1);
        assertThat(results.get(0).isValid()).as(results.get(0).getValidationErrors().toString()).isTrue();
        List<VOMSAttribute> attributes = List.of(results.get(0).getAttributes());
        assertThat(attributes.get(0).getVO()).isEqualTo("hpci");
        assertThat(attributes.get(0).getFQANs()).startsWith("/hpci/proj-a/Role=admin").contains("/hpci/proj-b")
                .doesNotContain("/hpci/proj-b/Role=NULL");

        GridTools.require("voms-proxy-info", "voms-clients");
        GridTools.Result info = GridTools.run(List.of("voms-proxy-info", "--all", "--file", proxyFile.toString()),
                Map.of("X509_CERT_DIR", cm.pki.trustDir().toString(), "X509_VOMS_DIR", vomsdir.toString()), null, Duration.ofSeconds(30));
        assertThat((info.stdout() + info.stderr())).as((info.stdout() + info.stderr())).contains("/hpci/proj-a/Role=admin").contains("VO        : hpci");
    }

    @Test
    @DisplayName("R-CM-2, R-MP-1: a proxy stored in MyProxy under the storage passphrase is fetched by the stock myproxy-logon")
    void proxyToMyProxy() throws Exception {
        ok(post("/v1/certificates", issueBody("lic-mpput-0001", "HPCI000103", "Jiro", "STORE")));
        JsonNode reply = ok(post("/v1/proxies", proxyBody("HPCI000103", "MYPROXY")));
        assertThat(reply.path("myproxyUsername").asText()).isEqualTo("hpci000103");
        Credential fetched = logon("hpci000103", STORAGE_PASS);
        assertThat(fetched.identity().toOpenSsl()).endsWith("CN=Jiro Yamada HPCI000103");
    }

    @Test
    @DisplayName("R-RA-3, R-CM-3: a certificate sent to MyProxy (STORE) is retrieved with myproxy-logon and the key passphrase; the mapping keeps the MyProxy name")
    void issueToMyProxy() throws Exception {
        Map<String, Object> body = issueBody("lic-mpstore-01", "HPCI000104", "Saburo", "MYPROXY");
        body.put("myproxyUsername", "saburo-cert");
        JsonNode reply = ok(post("/v1/certificates", body));
        assertThat(reply.path("destination").asText()).as(reply.toString()).isEqualTo("MYPROXY");
        CredentialRecord record = cm.store.validCredential("HPCI000104").orElseThrow();
        assertThat(record.location()).isEqualTo(Location.MYPROXY);
        assertThat(record.encryptedKey()).as("the store forgets a key sent to MyProxy").isNull();
        Credential fetched = logon("saburo-cert", KEY_PASS);
        assertThat(fetched.identity().toOpenSsl()).endsWith("CN=Saburo Yamada HPCI000104");
        JsonNode mappings = ok(cm.get(portal, "/v1/accounts/HPCI000104/mappings"));
        assertThat(mappings.get(0).path("localName").asText()).isEqualTo("saburo-cert");
        assertThat(mappings.get(0).path("location").asText()).isEqualTo("MYPROXY");
    }

    @Test
    @DisplayName("R-RA-6: a downloaded certificate comes with its encrypted key and a PKCS#12 file under the same passphrase; the store keeps only the mapping")
    void issueForDownload() throws Exception {
        JsonNode reply = ok(post("/v1/certificates", issueBody("lic-download-1", "HPCI000105", "Shiro", "DOWNLOAD")));
        X509Certificate certificate = Pem.decode(reply.path("certificate").asText().getBytes(StandardCharsets.US_ASCII), "reply").certificates().get(0);
        PrivateKeyCheck.matches(reply.path("encryptedKey").asText(), KEY_PASS, certificate);
        Credential p12 = CredentialFiles.fromPkcs12(Base64.getDecoder().decode(reply.path("pkcs12").asText()), KEY_PASS.toCharArray(), "download");
        assertThat(p12.certificate()).isEqualTo(certificate);
        assertThat(cm.store.validCredential("HPCI000105").orElseThrow().encryptedKey()).isNull();
        JsonNode again = ok(post("/v1/certificates", issueBody("lic-download-1", "HPCI000105", "Shiro", "DOWNLOAD")));
        assertThat(again.path("encryptedKey").asText()).as("a lost reply can be fetched again").isEqualTo(reply.path("encryptedKey").asText());

        GridTools.require("openssl", "openssl");
        Path keyFile = dir.resolve("download-key.pem");
        Files.writeString(keyFile, reply.path("encryptedKey").asText());
        GridTools.Result openssl = GridTools.run(List.of("openssl", "pkey", "-in", keyFile.toString(), "-passin", "env:KEYPASS", "-noout"),
                Map.of("KEYPASS", KEY_PASS), null, Duration.ofSeconds(30));
        assertThat(openssl.exitCode()).as(openssl.stderr()).isZero();
    }

    @Test
    @DisplayName("R-CM-1: a researcher's own CSR is signed for download; a CSR with another CN, a bad signature or a small key is refused")
    void ownCsr() throws Exception {
        java.security.KeyPair key = KeyPairs.rsa(2048, new java.security.SecureRandom());
        Map<String, Object> body = issueBody("lic-owncsr-01", "HPCI000106", "Goro", "DOWNLOAD");
        body.remove("keyPassphrase");
        body.remove("keyPassphraseConfirm");
        body.put("csr", csr(key, "Goro Yamada HPCI000106"));
        JsonNode reply = ok(post("/v1/certificates", body));
        X509Certificate certificate = Pem.decode(reply.path("certificate").asText().getBytes(StandardCharsets.US_ASCII), "reply").certificates().get(0);
        assertThat(certificate.getPublicKey()).isEqualTo(key.getPublic());
        assertThat(reply.has("encryptedKey")).isFalse();

        Map<String, Object> other = issueBody("lic-owncsr-02", "HPCI000107", "Rokuro", "DOWNLOAD");
        other.remove("keyPassphrase");
        other.put("csr", csr(key, "Somebody Else HPCI000107"));
        assertThat(refused(post("/v1/certificates", other), 400, "GA-CM-006").path("message").asText()).contains("CN");
        other.put("csr", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n");
        refused(post("/v1/certificates", other), 400, "GA-CM-006");
        other.put("csr", csr(KeyPairs.rsa(1024, new java.security.SecureRandom()), "Rokuro Yamada HPCI000107"));
        refused(post("/v1/certificates", other), 400, "GA-CM-006");
        other.put("csr", csr(key, "Rokuro Yamada HPCI000107"));
        other.put("destination", "STORE");
        refused(post("/v1/certificates", other), 400, "GA-CM-019");
        assertThat(cm.store.history("HPCI000107")).isEmpty();
    }

    @Test
    @DisplayName("R-CM-1, R-CM-2: wrong passphrases, someone else's account, lifetime over the cap, a VO not held and unknown clients are refused with an audit record")
    void badInput() throws Exception {
        ok(post("/v1/certificates", issueBody("lic-bad-00001", "HPCI000108", "Hachiro", "STORE")));
        Map<String, Object> wrong = proxyBody("HPCI000108", "DOWNLOAD");
        wrong.put("keyPassphrase", "not the passphrase");
        refused(post("/v1/proxies", wrong), 403, "GA-CM-003");

        Map<String, Object> other = proxyBody("HPCI000108", "DOWNLOAD");
        other.put("eppn", "intruder@example.ac.jp");
        refused(post("/v1/proxies", other), 403, "GA-CM-008");

        Map<String, Object> tooLong = proxyBody("HPCI000108", "DOWNLOAD");
        tooLong.put("lifetimeHours", 24 * 30);
        refused(post("/v1/proxies", tooLong), 400, "GA-CM-009");

        Map<String, Object> vo = proxyBody("HPCI000108", "DOWNLOAD");
        vo.put("vo", "hpci");
        vo.put("group", "secret-project");
        refused(post("/v1/proxies", vo), 400, "GA-CM-010");

        Map<String, Object> differ = proxyBody("HPCI000108", "MYPROXY");
        differ.put("storagePassphraseConfirm", "something else 1");
        refused(post("/v1/proxies", differ), 400, "GA-CM-018");

        Map<String, Object> shortPass = issueBody("lic-bad-00002", "HPCI000109", "Kuro", "STORE");
        shortPass.put("keyPassphrase", "short");
        shortPass.put("keyPassphraseConfirm", "short");
        refused(post("/v1/certificates", shortPass), 400, "GA-CM-017");

        Map<String, Object> sameCn = issueBody("lic-bad-00003", "HPCI000110", "Hachiro", "STORE");
        sameCn.put("commonName", "Hachiro Yamada HPCI000108");
        refused(post("/v1/certificates", sameCn), 409, "GA-CM-015");
        JsonNode cnCheck = ok(cm.get(portal, "/v1/common-names?cn=" + java.net.URLEncoder.encode("Hachiro Yamada HPCI000108", StandardCharsets.UTF_8)
                + "&hpciId=HPCI000110"));
        assertThat(cnCheck.path("inUse").asBoolean()).isTrue();

        refused(cm.post(portal, "/v1/proxies", "{\"hpciId\": \"HPCI000108\", \"keyPassphrase\": \"x\", \"surprise\": 1}"), 400, "GA-CM-019");
        refused(cm.post(portal, "/v1/proxies", "{not json"), 400, "GA-CM-019");

        HttpResponse<String> stranger = cm.post(cm.client(cm.stranger), "/v1/proxies", json.writeValueAsString(proxyBody("HPCI000108", "DOWNLOAD")));
        refused(stranger, 403, "GA-CM-020");

        assertThat(cm.audit.recent(50)).extracting(e -> e.action() + " " + e.outcome() + " " + e.detail())
                .anyMatch(s -> s.startsWith("PROXY REFUSED") && s.contains("GA-CM-003"))
                .anyMatch(s -> s.startsWith("PROXY REFUSED") && s.contains("GA-CM-010"))
                .anyMatch(s -> s.startsWith("PORTAL_API REFUSED"));
        assertThat(cm.store.history("HPCI000109")).isEmpty();
    }

    @Test
    @DisplayName("R-CM-2: five wrong key passphrases lock the stored key for a while, even for the right passphrase")
    void lockout() throws Exception {
        ok(post("/v1/certificates", issueBody("lic-lockout-01", "HPCI000113", "Kenta", "STORE")));
        Map<String, Object> wrong = proxyBody("HPCI000113", "DOWNLOAD");
        wrong.put("keyPassphrase", "guess number one");
        ok(post("/v1/proxies", proxyBody("HPCI000113", "DOWNLOAD")));
        for (int i = 0; i < 5; i++) {
            refused(post("/v1/proxies", wrong), 403, "GA-CM-003");
        }
        refused(post("/v1/proxies", proxyBody("HPCI000113", "DOWNLOAD")), 403, "GA-CM-025");
        refused(post("/v1/proxies", wrong), 403, "GA-CM-025");
    }

    @Test
    @DisplayName("R-CA-8, R-RS-4: a revocation through the certificate manager revokes at the CA and marks the mapping")
    void revoke() throws Exception {
        JsonNode issued = ok(post("/v1/certificates", issueBody("lic-revoke-01", "HPCI000111", "Juro", "STORE")));
        Map<String, Object> body = new HashMap<>();
        body.put("requestId", "rev-HPCI000111-1");
        body.put("hpciId", "HPCI000111");
        body.put("serial", issued.path("serial").asText());
        body.put("reason", "keyCompromise");
        JsonNode reply = ok(post("/v1/revocations", body));
        assertThat(reply.path("status").asText()).isEqualTo("REVOKED");
        assertThat(cm.store.validCredential("HPCI000111")).isEmpty();
        body.put("hpciId", "HPCI000108");
        refused(post("/v1/revocations", body), 403, "GA-CM-008");
    }

    @Test
    @DisplayName("Secrets: passphrases and clear keys appear in no reply, audit record, log line or database column")
    void noSecretsLeak() throws Exception {
        ok(post("/v1/certificates", issueBody("lic-secret-01", "HPCI000112", "Ichiro", "STORE")));
        Map<String, Object> wrong = proxyBody("HPCI000112", "DOWNLOAD");
        wrong.put("keyPassphrase", "leaky passphrase 99");
        String error = post("/v1/proxies", wrong).body();
        assertThat(error).doesNotContain("leaky passphrase 99");
        assertThat(cm.audit.recent(1000)).allSatisfy(e -> assertThat(e.detail() + e.subject()).doesNotContain(KEY_PASS).doesNotContain("leaky"));
        Path log = Path.of("target", "test-server.log");
        if (Files.exists(log)) {
            String text = Files.readString(log);
            assertThat(text).doesNotContain(KEY_PASS).doesNotContain(STORAGE_PASS).doesNotContain("leaky passphrase 99")
                    .doesNotContain("BEGIN PRIVATE KEY").doesNotContain("BEGIN RSA PRIVATE KEY");
        }
        for (String hpci : List.of("HPCI000101", "HPCI000112")) {
            cm.store.history(hpci).forEach(c -> assertThat(String.valueOf(c.encryptedKey())).doesNotContain("BEGIN PRIVATE KEY")
                    .doesNotContain("BEGIN RSA PRIVATE KEY"));
        }
    }

    private Credential logon(String username, String passphrase) {
        GridTools.require("myproxy-logon", "myproxy");
        Path out = dir.resolve("x509up_" + username);
        GridTools.Result result = GridTools.run(List.of("myproxy-logon", "-s", cm.pki.hostName(), "-p", Integer.toString(cm.myproxy.port()), "-l",
                username, "-S", "-t", "1", "-o", out.toString()), Map.of("X509_CERT_DIR", cm.pki.trustDir().toString(), "X509_USER_PROXY",
                dir.resolve("x509up_none").toString(), "HOME", dir.toString()), passphrase + "\n", Duration.ofSeconds(60));
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        return CredentialFiles.readProxy(out);
    }

    private static String csr(java.security.KeyPair key, String commonName) throws Exception {
        return Pem.encode(new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                GridDn.fromOpenSsl(TestPki.ORGANISATION + "/OU=Users/CN=" + commonName).toX500Name(), key.getPublic())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())));
    }

    /** Decrypts an encrypted key PEM and checks it belongs to the certificate. */
    static final class PrivateKeyCheck {
        static void matches(String pem, String passphrase, X509Certificate certificate) {
            var key = CredentialFiles.decryptPrivateKey(pem.getBytes(StandardCharsets.US_ASCII), passphrase.toCharArray(), "test");
            assertThat(CredentialFiles.keyMatches(key, certificate.getPublicKey())).isTrue();
        }
    }
}
