package org.gridauth.idp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.Clock;
import java.time.ZoneOffset;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.policy.AttributeDefinitions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LdapDirectoryTest {

    private static EmbeddedDirectoryServer server;
    private static LdapDirectory directory;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedDirectoryServer.start("dc=hpci,dc=example,dc=jp", 0, LdapDirectoryTest.class.getResourceAsStream("/demo-accounts.ldif"));
        directory = new LdapDirectory(settings(server.url()));
    }

    static LdapSettings settings(String url) {
        return new LdapSettings(url, false, "ou=people,dc=hpci,dc=example,dc=jp", "(uid={user})", null, null,
                AttributeDefinitions.ldapAttributes(), 4, Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        directory.close();
        server.close();
    }

    @Test
    @DisplayName("R-IDP-1: bind as the user succeeds with the right password and reads the account's attributes")
    void authenticates() {
        Account taro = directory.authenticate("taro", "taro-demo-Pass1".toCharArray()).orElseThrow();
        assertThat(taro.dn()).isEqualTo("uid=taro,ou=people,dc=hpci,dc=example,dc=jp");
        assertThat(taro.first("sn")).isEqualTo("Yamada");
        assertThat(taro.first("givenname")).isEqualTo("Taro");
        assertThat(taro.first("hpciId")).isEqualTo("hpci000001");
        assertThat(taro.first("jao")).isEqualTo("例大学");
        assertThat(taro.first(AttributeDefinitions.ACCOUNT_STATE_LDAP)).isEqualTo("active");
        assertThat(taro.values("userPassword")).isEmpty();
    }

    @Test
    @DisplayName("R-IDP-1: a wrong password, an unknown user and an empty password all fail the same way")
    void failures() {
        assertThat(directory.authenticate("taro", "wrong".toCharArray())).isEmpty();
        assertThat(directory.authenticate("nobody", "taro-demo-Pass1".toCharArray())).isEmpty();
        assertThat(directory.authenticate("taro", new char[0])).isEmpty();
    }

    @Test
    @DisplayName("R-IDP-1: filter metacharacters are escaped by the directory layer too (wildcards match nothing)")
    void injectionEscaped() {
        assertThat(directory.authenticate("*", "taro-demo-Pass1".toCharArray())).isEmpty();
        assertThat(directory.authenticate("t*", "taro-demo-Pass1".toCharArray())).isEmpty();
        assertThat(directory.authenticate("taro)(uid=*", "taro-demo-Pass1".toCharArray())).isEmpty();
    }

    @Test
    @DisplayName("R-IDP-1: passwords are stored salted SHA-256 in the embedded directory, not in clear")
    void passwordsHashed() throws Exception {
        String stored = server.server().getEntry("uid=taro,ou=people,dc=hpci,dc=example,dc=jp").getAttributeValue("userPassword");
        assertThat(stored).startsWith("{SSHA256}").doesNotContain("taro-demo-Pass1");
    }

    @Test
    @DisplayName("R-IDP-1: an unreachable directory is GA-IDP-013, not a failed login")
    void unreachable() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "ldap://127.0.0.1:" + port;
        assertThatThrownBy(() -> {
            try (LdapDirectory broken = new LdapDirectory(settings(url))) {
                broken.authenticate("taro", "x".toCharArray());
            }
        }).isInstanceOf(GridAuthException.class).hasMessageStartingWith("GA-IDP-013");
    }

    @Test
    @DisplayName("R-IDP-1, R-CA-9: a burst of sign-ins opens pooled connections that close again once idle, down to one per pool")
    void idleConnectionsClose() throws Exception {
        LdapSettings base = settings(server.url());
        LdapSettings shortIdle = new LdapSettings(base.url(), false, base.baseDn(), base.userFilter(), null, null, base.attributes(),
                8, Duration.ofSeconds(5), null, Duration.ofMillis(600));
        try (LdapDirectory pooled = new LdapDirectory(shortIdle)) {
            assertThat(pooled.openConnections()).isEqualTo(2);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
            try {
                var start = new java.util.concurrent.CountDownLatch(1);
                var results = new java.util.ArrayList<java.util.concurrent.Future<Boolean>>();
                for (int i = 0; i < 64; i++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return pooled.authenticate("taro", "taro-demo-Pass1".toCharArray()).isPresent();
                    }));
                }
                start.countDown();
                for (var result : results) {
                    assertThat(result.get()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
            int afterBurst = pooled.openConnections();
            assertThat(afterBurst).as("connections after 64 concurrent sign-ins").isGreaterThan(2);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pooled.openConnections() > 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(pooled.openConnections()).as("connections after idling (%d after the burst)", afterBurst).isEqualTo(2);
            assertThat(pooled.authenticate("taro", "taro-demo-Pass1".toCharArray())).isPresent();
        }
    }

    @Test
    @DisplayName("R-IDP-1: a replayed message ID is refused until it expires")
    void replayCache() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        ReplayCache cache = new ReplayCache(Clock.fixed(now, ZoneOffset.UTC));
        assertThat(cache.firstUse("sp", "_1", now.plusSeconds(60))).isTrue();
        assertThat(cache.firstUse("sp", "_1", now.plusSeconds(60))).isFalse();
        assertThat(cache.firstUse("other", "_1", now.plusSeconds(60))).isTrue();
        assertThat(cache.firstUse("sp", "_2", now.minusSeconds(1))).isTrue();
        assertThat(cache.firstUse("sp", "_2", now.plusSeconds(60))).isTrue();
    }
}
