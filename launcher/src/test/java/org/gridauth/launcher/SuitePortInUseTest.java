package org.gridauth.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import org.gridauth.gsi.error.GridAuthException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** R-OP-1: 'gridauth up' never runs with a service some other process answers for. */
class SuitePortInUseTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-OP-1: a taken IdP port (say, an IdP left running by an earlier 'gridauth up') stops the start with GA-LN-006 naming the port, before any service starts")
    void takenIdpPort() throws Exception {
        Path home = dir.resolve("home");
        GridAuthCommandTest.freePorts(home);
        int idpPort = SuiteSettings.read(home).idpPort();
        Path jar = dir.resolve("idp-bridge-exec.jar");
        Files.writeString(jar, "never started");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        GridAuthCommand command = new GridAuthCommand(new PrintStream(output, true, StandardCharsets.UTF_8), home, Clock.systemUTC());
        try (ServerSocket leftover = new ServerSocket()) {
            leftover.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), idpPort));
            assertThatThrownBy(() -> command.start(new ServiceJars(Optional.of(jar), Optional.empty())).close())
                    .isInstanceOf(GridAuthException.class)
                    .hasMessageStartingWith("GA-LN-006")
                    .hasMessageContaining(String.valueOf(idpPort))
                    .hasMessageContaining("IdP bridge");
        }
        assertThat(Files.exists(home.resolve("logs/idp-bridge.log"))).as("no IdP was started").isFalse();
    }
}
