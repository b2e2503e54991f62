package org.gridauth.ca.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.gridauth.ca.policy.CrlSchedule;
import org.gridauth.ca.policy.IssueOrder;
import org.gridauth.ca.policy.RevocationReason;
import org.gridauth.ca.service.CrlService;
import org.gridauth.gsi.gridmap.GridMapFile;
import org.gridauth.ca.service.GridMapData;
import org.gridauth.ca.service.HsmTestCa;
import org.gridauth.ca.service.IssuanceService;
import org.gridauth.ca.service.OcspResponder;
import org.gridauth.ca.service.OcspSigners;
import org.gridauth.ca.service.RepositoryContent;
import org.gridauth.ca.service.RevocationService;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.store.JdbcCrlStore;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.IgtfInfo;
import org.gridauth.gsi.trust.TrustDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryAndOcspTest {

    private static final String RA = "/C=JP/O=GridAuth HSM Test/CN=ra.example.org";

    @TempDir
    static Path dir;

    private static HsmTestCa ca;
    private static RepositoryServer server;
    private static X509Certificate good;
    private static X509Certificate revoked;
    private static Credential responder;

    @BeforeAll
    static void start() throws Exception {
        ca = new HsmTestCa();
        Clock clock = Clock.systemUTC();
        CaDatabase database = new CaDatabase(TestDatabases.h2());
        JdbcAuditTrail audit = new JdbcAuditTrail(database, clock);
        JdbcCertificateStore store = new JdbcCertificateStore(database, audit, clock);
        IssuanceService issuance = new IssuanceService(ca.key(), HsmTestCa.policy(), store, audit, new CertificateMaker(clock));
        Path publish = Files.createDirectories(dir.resolve("pub"));
        CrlService crls = new CrlService(ca.key(), store, new JdbcCrlStore(database, audit), CrlSchedule.defaults(), publish, clock);
        good = issuance.issue(new IssueOrder(RA, "host", HsmTestCa.csr(TestPki.newKey(), HsmTestCa.ORGANISATION + "/OU=Hosts/CN=good.example.org",
                List.of()), null, null)).certificate();
        revoked = issuance.issue(new IssueOrder(RA, "host", HsmTestCa.csr(TestPki.newKey(), HsmTestCa.ORGANISATION + "/OU=Hosts/CN=bad.example.org",
                List.of()), null, null)).certificate();
        new RevocationService(store, crls, audit, clock).revoke("operator", revoked.getSerialNumber(), RevocationReason.KEY_COMPROMISE, null);
        RevocationService revocation = new RevocationService(store, crls, audit, clock);
        for (String id : List.of("hpci000101", "hpci000102", "hpci000103")) {
            X509Certificate client = issuance.issue(new IssueOrder(RA, "client", HsmTestCa.csr(TestPki.newKey(),
                    HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada " + id, List.of()), id, null)).certificate();
            if (id.endsWith("3")) {
                revocation.revoke("HPCI office", client.getSerialNumber(), RevocationReason.AFFILIATION_CHANGED, "account removed");
            }
        }
        responder = OcspSigners.issue(ca.key(), new CertificateMaker(clock), store, GridDn.fromOpenSsl(HsmTestCa.ORGANISATION + "/CN=OCSP Responder"));
        Path cps = Files.writeString(dir.resolve("cps.html"), "<html><body>CP/CPS draft</body></html>");
        RepositoryContent content = new RepositoryContent(ca.key().certificate(), HsmTestCa.namespace(),
                new IgtfInfo("gridauth-hsm-test", URI.create("https://ca.example.org/"), URI.create("http://ca.example.org/crl.pem"),
                        "ca@example.org", "experimental", "1"), publish, cps, clock);
        server = new RepositoryServer(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), TestPki.shared().host(),
                content, new OcspResponder(ca.key().certificate(), responder, store, clock, Duration.ofHours(1)),
                new GridMapData(store, clock, "gridauth-hsm-test")::render, 4);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Path write(String name, Object... objects) throws Exception {
        return Files.writeString(dir.resolve(name), Pem.encode(objects));
    }

    @Test
    @DisplayName("R-CA-3: openssl ocsp gets good, revoked and unknown answers signed by the delegated OCSP responder, and verifies them")
    void opensslOcsp() throws Exception {
        GridTools.require("openssl", "openssl");
        Path caPem = write("ca.pem", ca.key().certificate());
        String url = "http://127.0.0.1:" + server.httpPort() + "/ocsp";
        GridTools.Result result = GridTools.run(List.of("openssl", "ocsp", "-issuer", caPem.toString(), "-CAfile", caPem.toString(),
                "-cert", write("good.pem", good).toString(), "-cert", write("revoked.pem", revoked).toString(), "-serial", "0x5EED5EED", "-url", url));
        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.all()).contains("Response verify OK").contains("good.pem: good").contains("revoked.pem: revoked")
                .contains("Reason: keyCompromise").contains("0x5EED5EED: unknown");
        assertThat(responder.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.9");
        assertThat(responder.certificate().getExtensionValue(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck.getId())).isNotNull();
    }

    @Test
    @DisplayName("R-CA-6: the repository serves the CA certificate and CRL over HTTP and HTTPS, and the fingerprints over HTTPS only")
    void repository() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(TestPki.anonymousClientTls(TestPki.shared().ca().certificate())).build();
        String http = "http://127.0.0.1:" + server.httpPort();
        String https = "https://localhost:" + server.httpsPort();
        assertThat(get(client, http + "/ca.der").body()).isEqualTo(ca.key().certificate().getEncoded());
        assertThat(new String(get(client, https + "/ca.pem").body())).isEqualTo(Pem.encode(ca.key().certificate()));
        assertThat(get(client, http + "/fingerprints").statusCode()).isEqualTo(403);
        String fingerprints = new String(get(client, https + "/fingerprints").body());
        GridTools.Result openssl = GridTools.run(List.of("openssl", "x509", "-in", write("ca2.pem", ca.key().certificate()).toString(),
                "-noout", "-fingerprint", "-sha256"));
        assertThat(fingerprints).contains(openssl.stdout().strip()).contains("sha1 Fingerprint=" + IgtfInfo.fingerprint(ca.key().certificate(), "SHA-1"));
        assertThat(new String(get(client, http + "/").body())).contains("gridauth-hsm-test").contains("HTTPS only").doesNotContain("Fingerprint=");
        assertThat(get(client, http + "/crl.der").statusCode()).isEqualTo(200);
        assertThat(new String(get(client, http + "/crl.pem").body())).contains("BEGIN X509 CRL");
        assertThat(new String(get(client, https + "/cps").body())).contains("CP/CPS draft");
        assertThat(get(client, http + "/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    @DisplayName("R-CA-6: the IGTF trust bundle unpacks into a directory that grid-cert-diagnostics and openssl verify -CApath -crl_check accept")
    void trustBundle() throws Exception {
        GridTools.require("grid-cert-diagnostics", "globus-gsi-cert-utils-progs");
        HttpClient client = HttpClient.newHttpClient();
        Path tgz = dir.resolve("bundle.tar.gz");
        Files.write(tgz, get(client, "http://127.0.0.1:" + server.httpPort() + "/trust-bundle.tar.gz").body());
        Path certificates = Files.createDirectories(dir.resolve("certificates"));
        GridTools.Result untar = GridTools.run(List.of("tar", "-xzf", tgz.toString(), "-C", certificates.toString()));
        assertThat(untar.exitCode()).as(untar.all()).isZero();
        String hash = TrustDirectory.subjectHash(ca.key().certificate().getSubjectX500Principal());
        try (var files = Files.list(certificates)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder(hash + ".0", hash + ".signing_policy",
                    hash + ".namespaces", hash + ".info", hash + ".crl_url", hash + ".r0");
        }
        Path gridmap = Files.writeString(dir.resolve("grid-mapfile"), "");
        GridTools.Result diagnostics = GridTools.run(List.of("grid-cert-diagnostics"),
                Map.of("X509_CERT_DIR", certificates.toString(), "GRIDMAP", gridmap.toString()), null, Duration.ofSeconds(60));
        assertThat(diagnostics.stdout()).as(diagnostics.all())
                .contains("Checking if signing policy exists for " + hash + ".0... ok")
                .contains("Verifying certificate chain for " + hash + ".0... ok");
        assertThat(diagnostics.stdout().substring(diagnostics.stdout().indexOf("Checking trusted certificates"))).doesNotContain("failed");
        GridTools.Result ok = GridTools.run(List.of("openssl", "verify", "-crl_check", "-CApath", certificates.toString(), write("g.pem", good).toString()));
        assertThat(ok.exitCode()).as(ok.all()).isZero();
        GridTools.Result bad = GridTools.run(List.of("openssl", "verify", "-crl_check", "-CApath", certificates.toString(), write("b.pem", revoked).toString()));
        assertThat(bad.all()).contains("certificate revoked");
        assertThat(new TrustDirectory(certificates).signingPolicy(hash)).isPresent();
    }

    @Test
    @DisplayName("R-CA-6: the repository publishes grid-mapfile data over HTTPS only: subject DN -> HPCI-ID of each valid client certificate, no hosts, no revoked ones")
    void gridMapfileData() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(TestPki.anonymousClientTls(TestPki.shared().ca().certificate())).build();
        assertThat(get(client, "http://127.0.0.1:" + server.httpPort() + "/grid-mapfile").statusCode()).isEqualTo(403);
        HttpResponse<byte[]> response = get(client, "https://localhost:" + server.httpsPort() + "/grid-mapfile");
        assertThat(response.statusCode()).isEqualTo(200);
        GridMapFile file = GridMapFile.parse(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8), "grid-mapfile data");
        assertThat(file.entries()).extracting(e -> e.dn() + " " + e.accounts()).containsExactly(
                HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada hpci000101 [hpci000101]",
                HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada hpci000102 [hpci000102]");
        assertThat(file.permits(GridDn.fromOpenSsl(HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada hpci000102"), "hpci000102")).isTrue();
        assertThat(new String(get(client, "https://localhost:" + server.httpsPort() + "/").body())).contains("grid-mapfile");
    }

    @Test
    @DisplayName("R-CA-6: the repository's HTTPS speaks TLS 1.3, or TLS 1.2 with ECDHE and AES-GCM; RSA key exchange and CBC suites are refused")
    void httpsSuites() throws Exception {
        SSLContext tls = TestPki.anonymousClientTls(TestPki.shared().ca().certificate());
        assertThat(handshake(tls, "TLSv1.3", "TLS_AES_128_GCM_SHA256")).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(handshake(tls, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")).isEqualTo("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        for (String weak : List.of("TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")) {
            assertThatThrownBy(() -> handshake(tls, "TLSv1.2", weak)).as(weak).isInstanceOf(IOException.class);
        }
    }

    /** A client offering exactly one version and one suite; returns the suite agreed. */
    private static String handshake(SSLContext tls, String protocol, String suite) throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", server.httpsPort())) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.setEnabledCipherSuites(new String[] {suite});
            socket.startHandshake();
            return socket.getSession().getCipherSuite();
        }
    }

    private static HttpResponse<byte[]> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
