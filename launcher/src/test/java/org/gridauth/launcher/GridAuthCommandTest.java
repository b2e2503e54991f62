package org.gridauth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.testing.GridTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * 'gridauth up' blocks until Ctrl-C, so these tests start the same suite with {@link GridAuthCommand#start} and
 * stop it. SoftHSM2 reads its configuration once per process, so the tests that keep the CA key in a token share
 * one home (target/gridauth-home, named by SOFTHSM2_CONF in the pom) and run in order: first start, restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GridAuthCommandTest {

    private static final Path SHARED = Path.of(System.getProperty("gridauth.test.home", "target/gridauth-home"));

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @BeforeAll
    static void freshSharedHome() throws IOException {
        if (Files.exists(SHARED)) {
            try (Stream<Path> walk = Files.walk(SHARED)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        freePorts(SHARED);
    }

    /** The default ports may be taken on a test machine; every service gets a free one. */
    static void freePorts(Path home) throws IOException {
        Files.createDirectories(home);
        StringBuilder conf = new StringBuilder();
        for (String key : SuiteSettings.DEFAULTS.keySet()) {
            try (ServerSocket socket = new ServerSocket(0)) {
                conf.append(key).append(" = ").append(socket.getLocalPort()).append('\n');
            }
        }
        Files.writeString(home.resolve("gridauth.conf"), conf);
    }

    @Test
    @Order(1)
    @DisplayName("R-CA-2, R-OP-1: the first 'gridauth up' makes the grid CA by the key ceremony in a SoftHSM2 token, the next one reuses it; no secret is printed")
    void upCreatesTheCaThenReuses() throws Exception {
        GridTools.require("softhsm2-util", "softhsm2");
        String first = startAndStop(SHARED);
        assertThat(first).contains("Created the embedded defaults").contains("SoftHSM2 token").contains("grid-proxy-init")
                .contains("MyProxy repository:").contains("resident memory of the suite");
        for (Path secret : List.of(SHARED.resolve("demo-user/passphrase.txt"), SHARED.resolve("ca/pin"), SHARED.resolve("ca/so-pin"))) {
            assertThat(first).doesNotContain(Files.readString(secret).strip());
        }
        assertThat(mode(SHARED.resolve("demo-user/passphrase.txt"))).isEqualTo("rw-------");
        assertThat(mode(SHARED.resolve("ca/pin"))).isEqualTo("r--------");
        assertThat(mode(SHARED.resolve("grid-security/hostkey.pem"))).isEqualTo("r--------");
        byte[] ca = Files.readAllBytes(SHARED.resolve("ca/cacert.pem"));
        byte[] user = Files.readAllBytes(SHARED.resolve("demo-user/usercert.pem"));
        assertThat(CredentialFiles.readCertificates(SHARED.resolve("demo-user/usercert.pem")).get(0).getIssuerX500Principal().getName())
                .isEqualTo("CN=GridAuth Demo CA,O=GridAuth Demo,C=JP");

        String second = startAndStop(SHARED);
        assertThat(second).contains("Using the existing embedded defaults");
        assertThat(Files.readAllBytes(SHARED.resolve("ca/cacert.pem"))).isEqualTo(ca);
        assertThat(Files.readAllBytes(SHARED.resolve("demo-user/usercert.pem"))).isEqualTo(user);

        // The ceremony and the issuance are in the CA's audit trail, and the chain verifies.
        output.reset();
        assertThat(command(SHARED).run("ca", "audit-verify", SHARED.resolve("ca/ca.conf").toString())).as(output.toString()).isZero();
    }

    @Test
    @Order(2)
    @DisplayName("R-MP-1, R-OP-1: the steps 'up' prints work with the stock tools: grid-proxy-init, myproxy-init, myproxy-logon, gsissh")
    void printedNextStepsWork() throws Exception {
        GridTools.require("myproxy-logon", "myproxy");
        GridTools.require("grid-proxy-init", "globus-proxy-utils");
        Path home = SHARED;
        try (Suite suite = command(home).start(ServiceJars.none())) {
            Map<String, String> env = new HashMap<>(Map.of("X509_CERT_DIR", home.resolve("certificates").toString(),
                    "MYPROXY_SERVER", LoopbackPki.hostName(), "MYPROXY_SERVER_PORT", Integer.toString(suite.myProxyPort()),
                    "HOME", home.toString()));
            Path proxy = home.resolve("x509up");
            String passphrase = Files.readString(home.resolve("demo-user/passphrase.txt"));
            GridTools.Result init = GridTools.run(List.of("grid-proxy-init", "-pwstdin", "-cert", home.resolve("demo-user/usercert.pem").toString(),
                    "-key", home.resolve("demo-user/userkey.pem").toString(), "-out", proxy.toString()), env, passphrase, Duration.ofSeconds(60));
            assertThat(init.exitCode()).as(init.all()).isZero();
            assertThat(init.stdout()).contains("Your identity: /C=JP/O=GridAuth Demo/OU=Users/CN=" + Suite.DEMO_RESEARCHER_CN);

            env.put("X509_USER_PROXY", home.resolve("x509up_init").toString());
            GridTools.Result store = GridTools.run(List.of("myproxy-init", "-S", "-l", "shiro", "-c", "2",
                    "-C", home.resolve("demo-user/usercert.pem").toString(), "-y", home.resolve("demo-user/userkey.pem").toString()),
                    env, passphrase.strip() + "\ndemo storage passphrase\n", Duration.ofSeconds(60));
            assertThat(store.exitCode()).as(store.all()).isZero();
            env.put("X509_USER_PROXY", home.resolve("x509up_other").toString());
            GridTools.Result logon = GridTools.run(List.of("myproxy-logon", "-S", "-l", "shiro", "-o", home.resolve("fetched").toString()),
                    env, "demo storage passphrase\n", Duration.ofSeconds(60));
            assertThat(logon.exitCode()).as(logon.all()).isZero();

            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            int status = new org.gridauth.gsissh.cli.GsisshCommands(new PrintStream(printed, true, StandardCharsets.UTF_8),
                    Map.of("X509_USER_PROXY", proxy.toString(), "X509_CERT_DIR", home.resolve("certificates").toString()))
                    .client("-p", Integer.toString(suite.gatewayPort()), Suite.gatewayAccount() + "@localhost", "id", "-un");
            assertThat(status).as(printed.toString()).isZero();
            assertThat(printed.toString()).contains(Suite.gatewayAccount());
        }
    }

    @Test
    @Order(3)
    @DisplayName("R-CM-1, R-CA-9: in the running suite the portal's credential gets a researcher a certificate from the grid CA through the certificate manager")
    void certificateManagerIssuesThroughTheCa() throws Exception {
        try (Suite suite = command(SHARED).start(ServiceJars.none())) {
            LoopbackPki pki = suite.loopback();
            Credential portal = CredentialFiles.readUserCredential(pki.portalCert(), pki.portalKey(), null);
            SSLContext tls = org.gridauth.gsi.credential.TlsKeys.clientContext(portal, List.of(pki.caCertificate()));
            HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
            String body = "{\"requestId\":\"up-test-1\",\"hpciId\":\"hpci000001\",\"eppn\":\"taro@hpci.example.jp\","
                    + "\"commonName\":\"Taro Yamada hpci000001\",\"keyPassphrase\":\"a long key passphrase 1\","
                    + "\"keyPassphraseConfirm\":\"a long key passphrase 1\",\"destination\":\"STORE\"}";
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + suite.certManagerPort()
                    + "/v1/certificates")).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("CN=Taro Yamada hpci000001");
        }
    }

    @Test
    @Order(4)
    @DisplayName("R-IDP-1, R-DS-1, R-RA-1, R-OP-1: 'up' runs the IdP bridge and the RA portal in JVMs of their own: metadata, discovery service and portal answer, the IdP knows the portal's SP, and closing the suite stops both")
    void idpAndPortalJoinTheSuite() throws Exception {
        ServiceJars jars = ServiceJars.find();
        assertThat(jars.idp()).as("idp-bridge's -exec.jar (built by the reactor before the launcher)").isPresent();
        assertThat(jars.portal()).as("ra-portal's -exec.jar (built by the reactor before the launcher)").isPresent();
        ChildService idp;
        ChildService portal;
        try (Suite suite = command(SHARED).start(jars)) {
            idp = suite.idp().orElseThrow();
            portal = suite.portal().orElseThrow();
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> metadata = client.send(HttpRequest.newBuilder(URI.create(suite.idpUrl() + "/idp/shibboleth")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metadata.statusCode()).isEqualTo(200);
            assertThat(metadata.body()).contains("IDPSSODescriptor");
            assertThat(output.toString(StandardCharsets.UTF_8)).contains("discovery service:").contains("taro").contains("RA portal:");

            // The SP metadata the launcher gave the IdP is the document the portal itself serves.
            HttpClient portalClient = HttpClient.newBuilder().sslContext(suite.portalService().trustingLoopback()).build();
            HttpResponse<String> sp = portalClient.send(HttpRequest.newBuilder(URI.create(suite.portalService().baseUrl() + "/saml/metadata")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(sp.statusCode()).isEqualTo(200);
            assertThat(sp.body().strip()).isEqualTo(Files.readString(suite.portalService().spMetadata()).strip());

            // Signing in starts at the discovery service of the IdP bridge, which offers the IdP.
            HttpResponse<String> login = portalClient.send(HttpRequest.newBuilder(URI.create(suite.portalService().baseUrl() + "/login")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        }
        assertThat(idp.alive()).isFalse();
        assertThat(portal.alive()).isFalse();
    }

    @Test
    @DisplayName("R-CA-2: without SoftHSM2 for this home, 'up' keeps the grid CA key in a PKCS#12 file and says so")
    void softwareKeyFallback(@TempDir Path home) throws Exception {
        freePorts(home);
        String printed = startAndStop(home);
        assertThat(printed).contains("WARNING: the grid CA key is a software key");
        assertThat(Files.exists(home.resolve("ca/ca-key.p12"))).isTrue();
        assertThat(CredentialFiles.readCertificates(home.resolve("demo-user/usercert.pem")).get(0).getIssuerX500Principal().getName())
                .isEqualTo("CN=GridAuth Demo CA,O=GridAuth Demo,C=JP");
    }

    @Test
    @DisplayName("R-CA-1: 'gridauth ca' lists the CA operator commands, and a missing ca.conf stops them with GA-CA-025")
    void caCommands(@TempDir Path home) throws Exception {
        GridAuthCommand command = command(home);
        assertThat(command.run("ca")).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("ceremony").contains("audit-verify").contains("serve");
        output.reset();
        assertThat(command.run("ca", "audit-verify", home.resolve("missing.conf").toString())).isEqualTo(1);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("GA-CA-025");
    }

    @Test
    @DisplayName("An unknown command exits 2 with the usage")
    void unknownCommand(@TempDir Path home) throws Exception {
        assertThat(command(home).run("frobnicate")).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate'").contains("usage: gridauth");
    }

    @Test
    @DisplayName("R-OP-1: a wrong gridauth.conf stops 'up' naming the setting")
    void badSettings(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve("gridauth.conf"), "port.myproxy = seventy\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SuiteSettings.load(home)).hasMessageContaining("port.myproxy")
                .hasMessageContaining("seventy");
        Files.writeString(home.resolve("gridauth.conf"), "port.nonsense = 1\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SuiteSettings.load(home)).hasMessageContaining("port.nonsense");
    }

    private String startAndStop(Path home) {
        output.reset();
        command(home).start(ServiceJars.none()).close();
        return output.toString(StandardCharsets.UTF_8);
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private GridAuthCommand command(Path home) {
        return new GridAuthCommand(new PrintStream(output, true, StandardCharsets.UTF_8), home, Clock.systemUTC());
    }
}
