package org.gridauth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.gridauth.gsi.testing.GridTools;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridAuthCommandTest {

    @TempDir
    Path home;

    @Test
    @DisplayName("R-OP-1: 'gridauth up' makes the embedded PKI once, keeps it on the next run, and never prints a passphrase")
    void upCreatesThenReuses() throws Exception {
        String first = run("up");
        assertThat(first).contains("Created the embedded-default PKI").contains("grid-proxy-init");
        String passphrase = Files.readString(home.resolve("demo-user/passphrase.txt")).strip();
        assertThat(first).doesNotContain(passphrase);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("demo-user/passphrase.txt")))).isEqualTo("rw-------");
        byte[] cert = Files.readAllBytes(home.resolve("demo-user/usercert.pem"));

        String second = run("up");
        assertThat(second).contains("Using the existing PKI");
        assertThat(Files.readAllBytes(home.resolve("demo-user/usercert.pem"))).isEqualTo(cert);
    }

    @Test
    @DisplayName("R-OP-1: the next step 'up' prints works: grid-proxy-init makes a proxy from the demo credential")
    void printedNextStepWorks() throws Exception {
        GridTools.require("grid-proxy-init", "globus-proxy-utils");
        run("up");
        Path proxy = home.resolve("x509up");
        GridTools.Result init = GridTools.run(List.of("grid-proxy-init", "-pwstdin", "-cert", home.resolve("demo-user/usercert.pem").toString(),
                        "-key", home.resolve("demo-user/userkey.pem").toString(), "-out", proxy.toString()),
                Map.of("X509_CERT_DIR", home.resolve("certificates").toString()),
                Files.readString(home.resolve("demo-user/passphrase.txt")), Duration.ofSeconds(60));
        assertThat(init.exitCode()).as(init.all()).isZero();
        assertThat(init.stdout()).contains("Your identity: /C=JP/O=GridAuth Demo/OU=Users/CN=Taro Yamada hpci000001");
    }

    @Test
    @DisplayName("An unknown command exits 2 with the usage")
    void unknownCommand() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code = new GridAuthCommand(new PrintStream(buffer, true, StandardCharsets.UTF_8), home, Clock.systemUTC()).run("frobnicate");
        assertThat(code).isEqualTo(2);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate'").contains("usage: gridauth");
    }

    private String run(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code = new GridAuthCommand(new PrintStream(buffer, true, StandardCharsets.UTF_8), home, Clock.systemUTC()).run(args);
        assertThat(code).as(buffer.toString(StandardCharsets.UTF_8)).isZero();
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
