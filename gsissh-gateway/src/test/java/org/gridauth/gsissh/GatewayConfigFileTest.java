package org.gridauth.gsissh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.gridauth.gsissh.server.GatewayConfig;
import org.gridauth.gsissh.server.GatewayConfigFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GatewayConfigFileTest {

    @Test
    @DisplayName("R-RS-1: the gateway configuration names ports, grid-security paths and the jump allow-list; defaults follow /etc/grid-security")
    void parse() throws Exception {
        GatewayConfig config = GatewayConfigFile.parse("""
                # VM platform gateway
                port 2222
                gridmap /srv/grid-mapfile
                forward_allow vm01.example.jp:22
                forward_allow vm02.example.jp:*
                failure_limit 3
                failure_window_minutes 30
                client_certificates proxies
                """, "gsissh-gateway.conf");
        assertThat(config.port()).isEqualTo(2222);
        assertThat(config.gridMapFile()).hasToString("/srv/grid-mapfile");
        assertThat(config.hostCert()).hasToString("/etc/grid-security/hostcert.pem");
        assertThat(config.certDir()).hasToString("/etc/grid-security/certificates");
        assertThat(config.forwardAllow()).containsExactly("vm01.example.jp:22", "vm02.example.jp:*");
        assertThat(config.failureWindow()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.clientCertificates()).isEqualTo(org.gridauth.gsi.gss.PeerCertificates.PROXIES_ONLY);
    }

    @Test
    @DisplayName("Bad configuration lines stop start-up with the line number")
    void badLines() {
        assertThatThrownBy(() -> GatewayConfigFile.parse("\nPasswordAuthentication yes\n", "f")).hasMessageContaining("f line 2")
                .hasMessageContaining("unknown keyword");
        assertThatThrownBy(() -> GatewayConfigFile.parse("port twenty-two\n", "f")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> GatewayConfigFile.parse("forward_allow 10.0.0.0/8\n", "f")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> GatewayConfigFile.parse("gridmap\n", "f")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> GatewayConfigFile.parse("client_certificates some\n", "f")).hasMessageContaining("any or proxies");
    }
}
