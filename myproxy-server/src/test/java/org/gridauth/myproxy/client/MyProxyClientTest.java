package org.gridauth.myproxy.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.proxy.ProxyInfo;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.myproxy.policy.ServerPolicy;
import org.gridauth.myproxy.server.MyProxyServer;
import org.gridauth.myproxy.store.CredentialKind;
import org.gridauth.myproxy.store.JdbcCredentialStore;
import org.gridauth.myproxy.store.KeyEncryption;
import org.gridauth.myproxy.store.StoredCredential;
import org.gridauth.gsi.testing.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** gridauth's own MyProxy GET client, used by gsissh's one-step login (R-MP-1). */
class MyProxyClientTest {

    private static final String PASSPHRASE = "client passphrase 7";

    @Test
    @DisplayName("R-MP-1: the Java client gets a proxy of the stored identity, and reports the server's refusal text")
    void getAndRefusal() throws Exception {
        TestPki pki = TestPki.shared();
        JdbcCredentialStore store = new JdbcCredentialStore(TestDatabases.h2());
        store.put(new StoredCredential("kenji", "", pki.user().subject().toOpenSsl(), CredentialKind.PROXY, null, null, null, null, null,
                pki.user().chain(), new KeyEncryption(10_000, new SecureRandom()).seal(pki.user().privateKey(), PASSPHRASE.toCharArray()),
                Instant.now().minusSeconds(60), pki.user().certificate().getNotAfter().toInstant()));
        try (MyProxyServer server = new MyProxyServer(new InetSocketAddress("127.0.0.1", 0), pki.host(), pki.trustDir(), store,
                ServerPolicy.permissive(), 10_000, 4, Clock.systemUTC());
             ChainValidator validator = ChainValidator.strict(pki.trustDir())) {
            MyProxyClient client = new MyProxyClient(validator, Duration.ofSeconds(10));
            Credential proxy = client.get(pki.hostName(), server.port(), "kenji", PASSPHRASE.toCharArray(), Duration.ofHours(2));
            assertThat(proxy.identity()).isEqualTo(pki.user().subject());
            assertThat(ProxyInfo.of(proxy.chain()).proxy()).isTrue();
            assertThat(Duration.between(Instant.now(), proxy.notAfter()).toMinutes()).isBetween(110L, 120L);
            assertThatThrownBy(() -> client.get(pki.hostName(), server.port(), "kenji", "wrong one 1".toCharArray(), Duration.ofHours(1)))
                    .isInstanceOf(MyProxyClient.Refused.class).hasMessageContaining("GA-MP-002");
            assertThatThrownBy(() -> client.get("127.0.0.1", server.port(), "kenji", PASSPHRASE.toCharArray(), Duration.ofHours(1)))
                    .as("the host certificate must name the host dialled").isInstanceOf(java.io.IOException.class);
        }
    }
}
