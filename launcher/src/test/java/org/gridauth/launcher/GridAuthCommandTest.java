package org.gridauth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.gridauth.gsi.testing.GridTools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'gridauth up' blocks until Ctrl-C, so these tests start the same suite with {@link GridAuthCommand#start()} and stop it. */
class GridAuthCommandTest {

    @TempDir
    Path home;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    /** The default configuration listens on 7512; tests use a free port. */
    @BeforeEach
    void freePort() throws IOException {
        Path config = home.resolve("myproxy/myproxy-server.config");
        Files.createDirectories(config.getParent());
        Files.writeString(config, String.join("\n",
                "port 0",
                "host_cert " + home.resolve("grid-security/hostcert.pem"),
                "host_key " + home.resolve("grid-security/hostkey.pem"),
                "cert_dir " + home.resolve("certificates"),
                "database_url jdbc:h2:file:" + home.resolve("myproxy/credentials"),
                "accepted_credentials \"*\"", "authorized_retrievers \"*\"", "default_retrievers \"*\"", ""));
        Path gateway = home.resolve("gsissh/gsissh-gateway.conf");
        Files.createDirectories(gateway.getParent());
        Files.writeString(gateway, String.join("\n", "listen 127.0.0.1", "port 0",
                "host_cert " + home.resolve("grid-security/hostcert.pem"), "host_key " + home.resolve("grid-security/hostkey.pem"),
                "cert_dir " + home.resolve("certificates"), "gridmap " + home.resolve("gsissh/grid-mapfile"),
                "ssh_host_key " + home.resolve("gsissh/ssh_host_key"), ""));
    }

    @Test
    @DisplayName("R-CA-1: 'gridauth ca' lists the CA operator commands, and a missing ca.conf stops them with GA-CA-025")
    void caCommands() throws Exception {
        GridAuthCommand command = new GridAuthCommand(new PrintStream(output, true, StandardCharsets.UTF_8), home, Clock.systemUTC());
        assertThat(command.run("ca")).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("ceremony").contains("audit-verify").contains("serve");
        output.reset();
        assertThat(command.run("ca", "audit-verify", home.resolve("missing.conf").toString())).isEqualTo(1);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("GA-CA-025");
    }

    @Test
    @DisplayName("R-OP-1: 'gridauth up' makes the embedded PKI once, keeps it on the next run, and never prints a passphrase")
    void upCreatesThenReuses() throws Exception {
        String first = startAndStop();
        assertThat(first).contains("Created the embedded-default PKI").contains("grid-proxy-init").contains("MyProxy repository:");
        String passphrase = Files.readString(home.resolve("demo-user/passphrase.txt")).strip();
        assertThat(first).doesNotContain(passphrase);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("demo-user/passphrase.txt")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("grid-security/hostkey.pem")))).isEqualTo("r--------");
        byte[] cert = Files.readAllBytes(home.resolve("demo-user/usercert.pem"));

        String second = startAndStop();
        assertThat(second).contains("Using the existing PKI");
        assertThat(Files.readAllBytes(home.resolve("demo-user/usercert.pem"))).isEqualTo(cert);
    }

    @Test
    @DisplayName("R-MP-1, R-OP-1: the steps 'up' prints work with the stock tools: grid-proxy-init, myproxy-init, myproxy-logon")
    void printedNextStepsWork() throws Exception {
        GridTools.require("myproxy-logon", "myproxy");
        GridTools.require("grid-proxy-init", "globus-proxy-utils");
        try (Suite suite = command().start()) {
            Map<String, String> env = new HashMap<>(Map.of("X509_CERT_DIR", home.resolve("certificates").toString(),
                    "MYPROXY_SERVER", DemoPki.hostName(), "MYPROXY_SERVER_PORT", Integer.toString(suite.myProxyPort()),
                    "HOME", home.toString()));
            Path proxy = home.resolve("x509up");
            GridTools.Result init = GridTools.run(List.of("grid-proxy-init", "-pwstdin", "-cert", home.resolve("demo-user/usercert.pem").toString(),
                            "-key", home.resolve("demo-user/userkey.pem").toString(), "-out", proxy.toString()), env,
                    Files.readString(home.resolve("demo-user/passphrase.txt")), Duration.ofSeconds(60));
            assertThat(init.exitCode()).as(init.all()).isZero();
            assertThat(init.stdout()).contains("Your identity: /C=JP/O=GridAuth Demo/OU=Users/CN=Taro Yamada hpci000001");

            // As printed: myproxy-init makes its own proxy from usercert/userkey (-S reads the key passphrase,
            // then the storage passphrase, from standard input).
            env.put("X509_USER_PROXY", home.resolve("x509up_init").toString());
            GridTools.Result store = GridTools.run(List.of("myproxy-init", "-S", "-l", "taro", "-c", "2",
                            "-C", home.resolve("demo-user/usercert.pem").toString(), "-y", home.resolve("demo-user/userkey.pem").toString()),
                    env, Files.readString(home.resolve("demo-user/passphrase.txt")).strip() + "\ndemo storage passphrase\n",
                    Duration.ofSeconds(60));
            assertThat(store.exitCode()).as(store.all()).isZero();
            env.put("X509_USER_PROXY", home.resolve("x509up_other").toString());
            GridTools.Result logon = GridTools.run(List.of("myproxy-logon", "-S", "-l", "taro", "-o", home.resolve("fetched").toString()),
                    env, "demo storage passphrase\n", Duration.ofSeconds(60));
            assertThat(logon.exitCode()).as(logon.all()).isZero();

            // As printed: gsissh with the grid-proxy-init proxy logs in to the gateway as the mapped account.
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            int status = new org.gridauth.gsissh.cli.GsisshCommands(new PrintStream(printed, true, StandardCharsets.UTF_8),
                    Map.of("X509_USER_PROXY", proxy.toString(), "X509_CERT_DIR", home.resolve("certificates").toString()))
                    .client("-p", Integer.toString(suite.gatewayPort()), suite.gatewayAccount() + "@localhost", "id", "-un");
            assertThat(status).as(printed.toString()).isZero();
            assertThat(printed.toString()).contains(suite.gatewayAccount());
        }
    }

    @Test
    @DisplayName("An unknown command exits 2 with the usage")
    void unknownCommand() throws Exception {
        assertThat(command().run("frobnicate")).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate'").contains("usage: gridauth");
    }

    private String startAndStop() {
        output.reset();
        command().start().close();
        return output.toString(StandardCharsets.UTF_8);
    }

    private GridAuthCommand command() {
        return new GridAuthCommand(new PrintStream(output, true, StandardCharsets.UTF_8), home, Clock.systemUTC());
    }
}
