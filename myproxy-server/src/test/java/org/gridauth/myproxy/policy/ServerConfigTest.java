package org.gridauth.myproxy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    @DisplayName("R-MP-1: a reference myproxy-server.config is read with the same meaning; unsupported keywords are reported")
    void referenceSyntax() throws Exception {
        List<String> warnings = new ArrayList<>();
        ServerConfig config = ServerConfig.parse("""
                # site configuration
                accepted_credentials  "/C=JP/O=Grid/*"
                authorized_retrievers "*"
                default_retrievers    "/C=JP/O=Grid/*" "/C=JP/O=Portal/CN=portal.example.jp"
                authorized_key_retrievers "/C=JP/O=Grid/CN=Portal*"
                max_proxy_lifetime 168
                max_cred_lifetime 720
                min_keylen 3072
                request_timeout 20
                pam sufficient
                port 17512
                cert_dir /srv/certificates
                """, "myproxy-server.config", warnings);
        ServerPolicy policy = config.policy();
        assertThat(config.port()).isEqualTo(17512);
        assertThat(config.certDir()).hasToString("/srv/certificates");
        assertThat(config.databaseUrl()).as("H2 commits reach the disk at once").endsWith(";WRITE_DELAY=0");
        assertThat(ServerConfig.durable("jdbc:postgresql://db/myproxy")).isEqualTo("jdbc:postgresql://db/myproxy");
        assertThat(policy.maxProxyLifetime()).isEqualTo(Duration.ofHours(168));
        assertThat(policy.maxCredLifetime()).isEqualTo(Duration.ofHours(720));
        assertThat(policy.minKeyBits()).isEqualTo(3072);
        assertThat(policy.requestTimeout()).isEqualTo(Duration.ofSeconds(20));
        AccessPolicy access = policy.access();
        assertThat(access.mayStore("/C=JP/O=Grid/CN=Taro")).isTrue();
        assertThat(access.mayStore("/C=JP/O=Other/CN=Eve")).isFalse();
        assertThat(access.mayStore("")).isFalse();
        assertThat(access.retrievers().permitsServerWide("")).isTrue();
        assertThat(access.retrievers().defaults()).hasSize(2);
        assertThat(access.retrievers().permits(null, "/C=JP/O=Portal/CN=portal.example.jp")).isTrue();
        assertThat(access.retrievers().permits(null, "/C=JP/O=Elsewhere/CN=x")).isFalse();
        assertThat(access.renewers().configured()).as("no authorized_renewers line: nobody renews").isFalse();
        assertThat(warnings).singleElement().asString().contains("line 10").contains("pam");
    }

    @Test
    @DisplayName("Bad configuration lines stop start-up with the line number and the reason")
    void badLines() {
        assertRefused("colour blue\n", "line 1: unknown keyword \"colour\"");
        assertRefused("accepted_credentials\n", "needs at least one DN pattern");
        assertRefused("max_proxy_lifetime twelve\n", "max_proxy_lifetime must be a whole number");
        assertRefused("\n\nport 1 2\n", "line 3: port takes exactly one value");
        assertRefused("accepted_credentials \"/C=JP/*\n", "double quote is not closed");
        assertRefused("min_passphrase_length 3\n", "at least 6");
        assertRefused("trusted_retrievers \"*\"\n", "unsafe policy");
        assertRefused("passphrase_policy_program /nonexistent/checker\n", "not an executable file");
        assertRefused("authorized_retrievers \"/C=JP/(CN=x\"\n", "not a valid expression");
        assertRefused("check_multiple_credentials maybe\n", "must be true or false");
    }

    private static void assertRefused(String text, String message) {
        assertThatThrownBy(() -> ServerConfig.parse(text, "test.config", new ArrayList<>()))
                .isInstanceOf(ServerConfig.ConfigException.class).hasMessageContaining(message);
    }
}
