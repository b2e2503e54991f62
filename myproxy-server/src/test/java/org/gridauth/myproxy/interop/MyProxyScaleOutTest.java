package org.gridauth.myproxy.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.myproxy.policy.AccessPolicy;
import org.gridauth.myproxy.policy.AccessRule;
import org.gridauth.myproxy.policy.DnPattern;
import org.gridauth.myproxy.policy.ServerPolicy;
import org.gridauth.myproxy.server.MyProxyServer;
import org.gridauth.myproxy.store.JdbcCredentialStore;
import org.gridauth.myproxy.store.SealingKey;
import org.gridauth.gsi.testing.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two repository servers on one PostgreSQL database, as the architecture's scale-out prescribes (R-MP-2): what one
 * stores the other serves, lockout counts across both, and closing one loses nothing.
 */
class MyProxyScaleOutTest {

    private static final String PASSPHRASE = "shared passphrase 42";

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-MP-2: two servers on one PostgreSQL share credentials, renewal keys and lockout; stopping one loses nothing")
    void twoServersOneDatabase() throws Exception {
        GridTools.require("myproxy-logon", "myproxy");
        TestPki pki = TestPki.shared();
        Credential portal = pki.issue(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/OU=Services/CN=renewer.example.jp"), List.of());
        DataSource database = TestDatabases.postgres();
        SealingKey sealingKey = SealingKey.loadOrCreate(dir.resolve("sealing.key"), new SecureRandom());
        List<DnPattern> anyone = List.of(new DnPattern("*"));
        ServerPolicy policy = ServerPolicy.permissive().withAccess(new AccessPolicy(anyone,
                new AccessRule("authorized_retrievers", anyone, List.of()), new AccessRule("authorized_renewers", anyone, List.of()),
                new AccessRule("authorized_key_retrievers", anyone, List.of(new DnPattern("none"))),
                new AccessRule("trusted_retrievers", List.of(), List.of()), false))
                .withLimits(Duration.ofHours(168), Duration.ofDays(30), 3, Duration.ofSeconds(30));
        MyProxyServer a = new MyProxyServer(new InetSocketAddress(0), pki.host(), pki.trustDir(), new JdbcCredentialStore(database),
                policy, sealingKey, 10_000, 16, Clock.systemUTC());
        try (MyProxyServer b = new MyProxyServer(new InetSocketAddress(0), pki.host(), pki.trustDir(), new JdbcCredentialStore(database),
                policy, sealingKey, 10_000, 16, Clock.systemUTC())) {
            List<CompletableFuture<GridTools.Result>> stores = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                MyProxyServer target = i % 2 == 0 ? a : b;
                String user = "scaled" + i;
                stores.add(CompletableFuture.supplyAsync(() -> init(target, pki, user, PASSPHRASE)));
            }
            for (CompletableFuture<GridTools.Result> store : stores) {
                assertThat(store.get().exitCode()).as(store.get().all()).isZero();
            }
            assertThat(init(a, pki, "renewable", null, "-n", "-x", "-R", portal.subject().toOpenSsl()).exitCode()).isZero();

            assertThat(logon(b, "scaled0", PASSPHRASE).exitCode()).as("stored on A, served by B").isZero();
            Path userProxy = proxy(pki.user(), "user-proxy");
            GridTools.Result renewed = client(b, pki, List.of("myproxy-logon", "-l", "renewable", "-a", userProxy.toString(), "-n",
                    "-o", dir.resolve("renewed").toString()), null, Map.of("X509_USER_PROXY", proxy(portal, "portal-proxy").toString()));
            assertThat(renewed.exitCode()).as("a key sealed by A's sealing key opens on B: " + renewed.all()).isZero();

            assertThat(logon(a, "scaled1", "wrong one 1").all()).contains("GA-MP-002");
            assertThat(logon(b, "scaled1", "wrong one 2").all()).contains("GA-MP-002");
            assertThat(logon(a, "scaled1", "wrong one 3").all()).contains("GA-MP-002");
            assertThat(logon(b, "scaled1", PASSPHRASE).all()).as("three failures across both servers lock the user name").contains("GA-MP-003");

            a.close();
            for (int i = 2; i < 6; i++) {
                GridTools.Result logon = logon(b, "scaled" + i, PASSPHRASE);
                assertThat(logon.exitCode()).as("scaled" + i + " after A stopped: " + logon.all()).isZero();
            }
        } finally {
            a.close();
        }
    }

    private GridTools.Result init(MyProxyServer server, TestPki pki, String user, String passphrase, String... options) {
        return new StockClients(pki, dir).init(server.port(), user, pki.user(), passphrase, options);
    }

    private GridTools.Result logon(MyProxyServer server, String user, String passphrase) {
        return client(server, TestPki.shared(), List.of("myproxy-logon", "-S", "-l", user, "-o", dir.resolve("out-" + user).toString()),
                passphrase + "\n", Map.of());
    }

    private Path proxy(Credential credential, String name) {
        return new StockClients(TestPki.shared(), dir).proxyFile(name, credential, org.gridauth.gsi.proxy.ProxyKind.IMPERSONATION);
    }

    private GridTools.Result client(MyProxyServer server, TestPki pki, List<String> command, String stdin, Map<String, String> extra) {
        return new StockClients(pki, dir).run(server.port(), command, stdin, extra);
    }
}
