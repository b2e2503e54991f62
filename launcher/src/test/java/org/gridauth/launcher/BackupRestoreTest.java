package org.gridauth.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.myproxy.client.MyProxyClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** R-OP-1 backup procedure: a stopped suite backed up, restored into a fresh directory, and carrying on. */
class BackupRestoreTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @Test
    @DisplayName("R-OP-1, R-CA-5, R-MP-1: restored into a fresh directory, the suite has the same CA, the stored credentials and certificates, and CRL numbers keep growing")
    void restoredSuiteCarriesOn() throws Exception {
        Path home = dir.resolve("home");
        GridAuthCommandTest.freePorts(home);
        Path archive = dir.resolve("backup.tar.gz");
        char[] storage = "backup test storage passphrase".toCharArray();
        BigInteger crlBefore;
        try (Suite suite = command(home).start(ServiceJars.none())) {
            assertThat(issue(suite, "hpci000001", "Taro Yamada hpci000001").statusCode()).isEqualTo(200);
            Credential owner = CredentialFiles.readUserCredential(suite.userCert(), suite.userKey(),
                    Files.readString(suite.userPassphraseFile()).strip().toCharArray());
            try (ChainValidator validator = ChainValidator.strict(suite.loopback().trustDir())) {
                new MyProxyClient(validator, Duration.ofSeconds(20)).put("localhost", suite.myProxyPort(), owner,
                        MyProxyClient.StoreOptions.of("kept-in-backup", Duration.ofDays(7)), storage,
                        csr -> new ProxyMaker(Clock.systemUTC()).sign(owner, csr, ProxyRequest.impersonation(Duration.ofDays(7)), 2048));
            }
            crlBefore = crlNumber(home);

            assertThatThrownBy(() -> new SuiteBackup(Clock.systemUTC()).backup(home, archive)).isInstanceOf(GridAuthException.class)
                    .hasMessageContaining("GA-LN-002");
            assertThat(archive).doesNotExist();
        }
        assertThat(command(home).run("backup", archive.toString())).as(output.toString()).isZero();
        assertThat(archive).exists();

        Path restored = dir.resolve("restored");
        assertThat(command(restored).run("restore", archive.toString(), restored.toString())).as(output.toString()).isZero();
        assertThat(Files.readAllBytes(restored.resolve("ca/cacert.pem"))).isEqualTo(Files.readAllBytes(home.resolve("ca/cacert.pem")));
        assertThat(Files.readString(restored.resolve("ca/ca.conf"))).doesNotContain(home.toString()).contains(restored.toString());
        assertThat(Files.getPosixFilePermissions(restored.resolve("ca/ca-key.passphrase")))
                .isEqualTo(Files.getPosixFilePermissions(home.resolve("ca/ca-key.passphrase")));

        try (Suite suite = command(restored).start(ServiceJars.none())) {
            try (ChainValidator validator = ChainValidator.strict(suite.loopback().trustDir())) {
                Credential fetched = new MyProxyClient(validator, Duration.ofSeconds(20)).get("localhost", suite.myProxyPort(), "kept-in-backup",
                        storage, Duration.ofHours(1));
                assertThat(fetched.subject().toOpenSsl()).contains(Suite.DEMO_RESEARCHER_CN);
            }
            HttpResponse<String> cn = get(suite, "/v1/common-names?cn=" + URLEncoder.encode("Taro Yamada hpci000001", StandardCharsets.UTF_8)
                    + "&hpciId=hpci000002");
            assertThat(cn.body()).as("the certificate issued before the backup is known after the restore").contains("\"inUse\":true");
            suite.ca().crlService().issueNow("backup test", "after restore");
            assertThat(crlNumber(restored)).isGreaterThan(crlBefore);
        }
    }

    @Test
    @DisplayName("R-OP-1: a restore refuses a non-empty target and a damaged archive, and writes nothing")
    void refusals() throws Exception {
        Path home = dir.resolve("home");
        GridAuthCommandTest.freePorts(home);
        command(home).start(ServiceJars.none()).close();
        Path archive = dir.resolve("backup.tar.gz");
        new SuiteBackup(Clock.systemUTC()).backup(home, archive);

        assertThatThrownBy(() -> new SuiteBackup(Clock.systemUTC()).restore(archive, home)).hasMessageContaining("GA-LN-004");

        byte[] bytes = Files.readAllBytes(archive);
        bytes[bytes.length / 2] ^= 0x55;
        Path damaged = Files.write(dir.resolve("damaged.tar.gz"), bytes);
        Path target = dir.resolve("target");
        assertThatThrownBy(() -> new SuiteBackup(Clock.systemUTC()).restore(damaged, target)).hasMessageContaining("GA-LN-005");
        assertThat(target).doesNotExist();
        try (var siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString()).toList()).noneMatch(n -> n.contains("restoring"));
        }
    }

    private HttpResponse<String> issue(Suite suite, String hpciId, String commonName) throws Exception {
        String body = "{\"requestId\":\"backup-" + hpciId + "\",\"hpciId\":\"" + hpciId + "\",\"eppn\":\"" + hpciId + "@hpci.example.jp\","
                + "\"commonName\":\"" + commonName + "\",\"keyPassphrase\":\"a long key passphrase 1\","
                + "\"keyPassphraseConfirm\":\"a long key passphrase 1\",\"destination\":\"STORE\"}";
        return portal(suite).send(HttpRequest.newBuilder(URI.create("https://localhost:" + suite.certManagerPort() + "/v1/certificates"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(Suite suite, String path) throws Exception {
        return portal(suite).send(HttpRequest.newBuilder(URI.create("https://localhost:" + suite.certManagerPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpClient portal(Suite suite) throws Exception {
        LoopbackPki pki = suite.loopback();
        Credential portal = CredentialFiles.readUserCredential(pki.portalCert(), pki.portalKey(), null);
        return HttpClient.newBuilder().sslContext(org.gridauth.gsi.credential.TlsKeys.clientContext(portal, List.of(pki.caCertificate())))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static BigInteger crlNumber(Path home) throws Exception {
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(Files.newInputStream(home.resolve("ca/publish/crl.der")));
        byte[] value = crl.getExtensionValue(Extension.cRLNumber.getId());
        return ASN1Integer.getInstance(ASN1OctetString.getInstance(value).getOctets()).getValue();
    }

    private GridAuthCommand command(Path home) {
        output.reset();
        return new GridAuthCommand(new PrintStream(output, true, StandardCharsets.UTF_8), home, Clock.systemUTC());
    }
}
