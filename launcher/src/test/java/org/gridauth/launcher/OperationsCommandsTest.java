package org.gridauth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Clock;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operations tools of R-OP-2 against a running suite: 'gridauth check' and 'gridauth portcheck'. */
class OperationsCommandsTest {

    @TempDir
    static Path home;

    private static Suite suite;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @BeforeAll
    static void startSuite() throws Exception {
        GridAuthCommandTest.freePorts(home);
        ServiceJars jars = ServiceJars.find();
        assertThat(jars.idp()).as("idp-bridge's -exec.jar").isPresent();
        assertThat(jars.portal()).as("ra-portal's -exec.jar").isPresent();
        suite = new GridAuthCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), home, Clock.systemUTC()).start(jars);
    }

    @AfterAll
    static void stopSuite() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    @DisplayName("R-OP-2: 'gridauth check' probes every service of a running suite: CRL, MyProxy GET, IdP metadata, portal, GSI-SSH login -> OK, exit 0")
    void healthyServicesPass() throws Exception {
        int status = run("check");
        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed).isZero();
        assertThat(printed).startsWith("GRIDAUTH OK - 5/5 probes OK |").contains("OK ca_crl: CRL valid until").contains("OK myproxy_get: GET as gridauth-probe")
                .contains("OK idp_metadata: entityID").contains("OK portal: portal https://localhost:").contains("OK gsissh_login: login as " + Suite.gatewayAccount());
        assertThat(printed).doesNotContain(Files.readString(ProbeCredential.passphraseFile(home)).strip());
    }

    @Test
    @DisplayName("R-OP-2: 'gridauth check --prometheus' prints the Prometheus text format with a state and a duration per probe")
    void prometheusFormat() throws Exception {
        assertThat(run("check", "--prometheus")).isZero();
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("# TYPE gridauth_check_status gauge")
                .contains("gridauth_check_status{check=\"ca_crl\"} 0").contains("gridauth_check_status{check=\"gsissh_login\"} 0")
                .containsPattern("gridauth_check_duration_seconds\\{check=\"myproxy_get\"} [0-9.]+").containsPattern("gridauth_crl_next_update_seconds [0-9]+");
    }

    @Test
    @DisplayName("R-OP-2: a CRL closer to its nextUpdate than the warning margin is WARNING (exit 1); a wrong probe passphrase is CRITICAL (exit 2) and the login probe UNKNOWN")
    void warningsAndFailures(@TempDir Path dir) throws Exception {
        assertThat(run("check", "--crl-warning-hours", "100000")).isEqualTo(1);
        assertThat(output.toString(StandardCharsets.UTF_8)).startsWith("GRIDAUTH WARNING").contains("WARNING ca_crl");
        Path wrong = Files.writeString(dir.resolve("wrong"), "not the probe passphrase\n");
        assertThat(run("check", "--probe-passphrase-file", wrong.toString())).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).startsWith("GRIDAUTH CRITICAL").contains("CRITICAL myproxy_get: MyProxy refused")
                .contains("UNKNOWN gsissh_login").doesNotContain("not the probe passphrase");
    }

    @Test
    @DisplayName("R-OP-2: a service that does not answer is CRITICAL with the address it tried")
    void unreachableService() throws Exception {
        int free;
        try (ServerSocket socket = new ServerSocket(0)) {
            free = socket.getLocalPort();
        }
        assertThat(run("check", "--ca-repository", "http://localhost:" + free)).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("CRITICAL ca_crl: CA repository http://localhost:" + free + " unreachable");
    }

    @Test
    @DisplayName("R-OP-2, R-OP-3: 'gridauth portcheck' passes when only documented ports answer and is CRITICAL naming an undocumented one")
    void portCheck() throws Exception {
        // Only the suite's ports, each of them (a narrow range around each keeps the scan short).
        for (int port : SuiteSettings.read(home).documentedPorts()) {
            assertThat(run("portcheck", "127.0.0.1", "--range", port + "-" + port)).as(output.toString()).isZero();
        }
        try (ServerSocket stray = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = stray.getLocalPort();
            assertThat(run("portcheck", "127.0.0.1", "--range", port + "-" + port)).isEqualTo(2);
            assertThat(output.toString(StandardCharsets.UTF_8)).contains(port + "/tcp answers  <- NOT DOCUMENTED");
            assertThat(run("portcheck", "127.0.0.1", "--range", port + "-" + port, "--ports", Integer.toString(port))).isZero();
        }
        assertThat(run("portcheck")).isEqualTo(3);
    }

    @Test
    @DisplayName("R-OP-2: 'gridauth load' runs concurrent requests per function (sign-on, license ID, issuance, proxy, MyProxy GET, gsissh login) and prints throughput and latency percentiles")
    void loadPerFunction() throws Exception {
        for (String function : LoadCommand.FUNCTIONS) {
            // license-id: one per demo researcher (taro, hanako); the portal's limits allow no more without a certificate.
            int count = function.equals("license-id") ? 2 : 4;
            int status = run("load", function, "--concurrency", "2", "--count", Integer.toString(count));
            String printed = output.toString(StandardCharsets.UTF_8);
            assertThat(status).as(printed).isZero();
            assertThat(printed).contains(function + ": " + count + " requests, concurrency 2, 0 failed").contains("throughput").containsPattern("p99 [0-9.]+");
            assertThat(printed).doesNotContain("taro-demo-Pass1");
        }
        assertThat(run("load", "teleport")).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("unknown function teleport");
        assertThat(run("load", "license-id", "--count", "3")).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("needs as many accounts");
    }

    @Test
    @DisplayName("R-OP-2: every HTTP service of 'up' answers Actuator health (UP) and Prometheus metrics on loopback: CA repository, certificate manager (management port), IdP, portal")
    void actuatorEverywhere() throws Exception {
        SuiteSettings settings = SuiteSettings.read(home);
        javax.net.ssl.SSLContext trust = new PortalService(home, settings, new LoopbackPki(home, Clock.systemUTC())).trustingLoopback();
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(trust).build();
        for (String base : List.of("http://127.0.0.1:" + settings.caHttpPort(), "http://127.0.0.1:" + settings.certManagerManagementPort(),
                "http://127.0.0.1:" + settings.idpPort(), "https://localhost:" + settings.portalPort())) {
            var health = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/actuator/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as(base).isEqualTo(200);
            assertThat(health.body()).as(base).contains("\"status\":\"UP\"");
            var metrics = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/actuator/prometheus")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).as(base).isEqualTo(200);
            assertThat(metrics.body()).as(base).contains("jvm_memory_used_bytes");
        }
    }

    private int run(String... args) throws Exception {
        output.reset();
        return new GridAuthCommand(new PrintStream(output, true, StandardCharsets.UTF_8), home, Clock.systemUTC()).run(args);
    }
}
