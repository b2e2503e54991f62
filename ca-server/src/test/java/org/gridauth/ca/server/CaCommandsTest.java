package org.gridauth.ca.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;

import org.gridauth.ca.store.CaDataSources;
import org.gridauth.ca.token.SoftHsmTokens;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaCommandsTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    private int ca(String... args) {
        output.reset();
        return new CaCommands(new PrintStream(output, true, StandardCharsets.UTF_8), Clock.systemUTC()).run(args);
    }

    private String out() {
        return output.toString(StandardCharsets.UTF_8);
    }

    private Path config(SoftHsmTokens.Token token, String extra) throws Exception {
        Files.writeString(dir.resolve("pin"), token.pin() + "\n");
        return Files.writeString(dir.resolve("ca.conf"), String.join("\n",
                "database.url = jdbc:h2:file:" + dir.resolve("db/ca"),
                "key.pkcs11.library = " + token.config().library(),
                "key.pkcs11.slot = " + token.config().slot(),
                "key.pkcs11.pin-file = pin",
                "key.label = ca-2026",
                "namespace = /C=JP/O=GridAuth Cmd Test/*",
                "crl.url = http://ca.example.org/crl.der",
                "ocsp.url = http://ca.example.org/ocsp",
                "policy.oids = 1.3.6.1.4.1.99999.3.1.1",
                "publish.dir = pub",
                extra, ""));
    }

    @Test
    @DisplayName("R-CA-2, R-CA-5, R-CA-7: the operator commands run a ceremony, issue, revoke, publish a CRL, sign a checkpoint and verify the audit trail; tampering makes audit-verify fail")
    void operatorWorkflow() throws Exception {
        GridTools.require("openssl", "openssl");
        SoftHsmTokens.Token token = SoftHsmTokens.claim();
        Path conf = config(token, "");
        Files.createDirectories(dir.resolve("pub"));

        Path caPem = dir.resolve("ca.pem");
        assertThat(ca("ceremony", conf.toString(), "--operators", "Hanako Sato, Jiro Suzuki", "--subject",
                "/C=JP/O=GridAuth Cmd Test/CN=GridAuth Cmd Test CA", "--out", caPem.toString())).as(out()).isZero();
        GridTools.Result fingerprint = GridTools.run(List.of("openssl", "x509", "-in", caPem.toString(), "-noout", "-fingerprint", "-sha256"));
        assertThat(out()).contains(fingerprint.stdout().strip().substring(fingerprint.stdout().indexOf('=') + 1)).contains("serial");

        Path csr = dir.resolve("host.csr");
        GridTools.Result req = GridTools.run(List.of("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve("host.key").toString(),
                "-out", csr.toString(), "-subj", "/C=JP/O=GridAuth Cmd Test/CN=grid05.example.org"));
        assertThat(req.exitCode()).as(req.all()).isZero();
        Path host = dir.resolve("host.pem");
        assertThat(ca("issue", conf.toString(), "--profile", "host", "--csr", csr.toString(), "--out", host.toString())).as(out()).isZero();
        GridTools.Result verify = GridTools.run(List.of("openssl", "verify", "-x509_strict", "-CAfile", caPem.toString(), host.toString()));
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        String serial = CredentialFiles.readCertificates(host).get(0).getSerialNumber().toString(16);

        assertThat(ca("revoke", conf.toString(), "--serial", serial, "--reason", "keyCompromise")).as(out()).isZero();
        GridTools.Result crl = GridTools.run(List.of("openssl", "crl", "-in", dir.resolve("pub/crl.pem").toString(), "-CAfile", caPem.toString(),
                "-noout", "-verify", "-text"));
        assertThat(crl.all()).contains("verify OK").contains(serial.toUpperCase());
        assertThat(ca("crl", conf.toString(), "--if-due")).isZero();
        assertThat(ca("checkpoint", conf.toString())).as(out()).isZero();
        assertThat(ca("audit-verify", conf.toString())).as(out()).isZero();
        assertThat(out()).contains("audit trail intact");
        assertThat(ca("audit-archive", conf.toString(), "--older-than-days", "0", "--out", dir.resolve("archive.jsonl").toString())).as(out()).isZero();
        assertThat(ca("audit-verify", conf.toString(), "--archive", dir.resolve("archive.jsonl").toString())).as(out()).isZero();
        assertThat(ca("audit-verify", conf.toString())).as(out()).isZero();
        assertThat(ca("revoke", conf.toString(), "--serial", "abcdef", "--reason", "superseded")).isEqualTo(1);

        assertThat(ca("revoke", conf.toString(), "--serial", serial, "--reason", "superseded")).isEqualTo(1);
        assertThat(out()).contains("GA-CA-022");
        assertThat(ca("crl", conf.toString())).isZero();
        assertThat(ca("issue", conf.toString(), "--profile", "host")).isEqualTo(2);
        assertThat(out()).contains("--csr is required");

        try (Connection c = CaDataSources.h2File(dir.resolve("db/ca")).getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE ca_audit SET actor = 'nobody' WHERE seq = (SELECT MIN(seq) FROM ca_audit) + 1");
        }
        assertThat(ca("audit-verify", conf.toString())).isEqualTo(1);
        assertThat(out()).contains("GA-CA-024");
        assertThat(Files.readString(Path.of(System.getProperty("org.slf4j.simpleLogger.logFile")))).doesNotContain(token.pin());
    }

    @Test
    @DisplayName("R-CA-6: 'serve' starts the RA link and the repository from the configuration; a wrong setting stops the CA with GA-CA-025")
    void serveAndBadConfiguration() throws Exception {
        SoftHsmTokens.Token token = SoftHsmTokens.claim();
        TestPki pki = TestPki.shared();
        CredentialFiles.writeHostCredential(dir.resolve("tls.pem"), dir.resolve("tlskey.pem"), pki.host());
        Files.writeString(dir.resolve("ra.pem"), Pem.encode(pki.issue(CertificateProfiles.service(),
                GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=ra.example.org"), List.of()).certificate()));
        Path conf = config(token, String.join("\n", "ra.listen = 127.0.0.1:0", "ra.certificates = ra.pem", "tls.certificate = tls.pem",
                "tls.key = tlskey.pem", "repository.http = 127.0.0.1:0", "repository.https = 127.0.0.1:0", "ocsp.credential-dir = ocsp"));
        Files.createDirectories(dir.resolve("pub"));
        assertThat(ca("ceremony", conf.toString(), "--operators", "Hanako Sato", "--subject", "/C=JP/O=GridAuth Cmd Test/CN=Serve Test CA",
                "--out", dir.resolve("ca.pem").toString())).as(out()).isZero();

        CaRuntime runtime = new CaRuntime(CaConfig.load(conf), Clock.systemUTC());
        try (CaDaemon daemon = CaDaemon.start(runtime)) {
            HttpResponse<byte[]> der = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + daemon.httpPort() + "/ca.der")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(der.body()).isEqualTo(runtime.key().certificate().getEncoded());
            // R-OP-2: health (database and a probe signature by the token) and metrics on the repository's HTTP port.
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + daemon.httpPort() + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
            String expected = "http_server_requests_seconds_count{exception=\"none\",method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/ca.der\"} 1";
            HttpResponse<String> metrics = null;
            // A request is recorded just after its answer is sent, on the server's thread: a scrape may come first.
            for (int i = 0; i < 50 && (metrics == null || !metrics.body().contains(expected)); i++, Thread.sleep(100)) {
                metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.httpPort()
                        + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
            }
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains(expected)
                    .contains("uri=\"/actuator/health\"");
            assertThat(daemon.raPort()).isPositive();
            assertThat(dir.resolve("pub/crl.pem")).exists();
            assertThat(dir.resolve("ocsp/ocspcert.pem")).exists();
        }

        Files.writeString(conf, Files.readString(conf) + "ra.lsiten = 127.0.0.1:1\n");
        assertThat(ca("crl", conf.toString())).isEqualTo(1);
        assertThat(out()).contains("GA-CA-025").contains("ra.lsiten");
    }
}
