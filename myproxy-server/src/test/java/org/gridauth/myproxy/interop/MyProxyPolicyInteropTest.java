package org.gridauth.myproxy.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.proxy.ProxyInfo;
import org.gridauth.gsi.proxy.ProxyKind;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.myproxy.policy.AccessPolicy;
import org.gridauth.myproxy.policy.AccessRule;
import org.gridauth.myproxy.policy.DnPattern;
import org.gridauth.myproxy.policy.PassphrasePolicy;
import org.gridauth.myproxy.policy.ServerPolicy;
import org.gridauth.myproxy.server.MyProxyServer;
import org.gridauth.myproxy.store.JdbcCredentialStore;
import org.gridauth.gsi.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stock Debian MyProxy clients against a server configured with every policy of the reference server:
 * renewal (myproxy-logon -a), trusted retrievers, limited proxies, several credentials per user, a passphrase
 * policy program, lockout, expiry, CRL checking and key-size limits (R-MP-1). The policy is the reference manual's
 * "enables all credential repository features" example plus check_multiple_credentials.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MyProxyPolicyInteropTest {

    private static final String PASSPHRASE = "storage passphrase 2026";

    private Path dir;

    private TestPki pki;
    private MyProxyServer server;
    private JdbcCredentialStore store;
    private StockClients clients;
    private Credential portal;
    private Credential mallory;
    private Credential revoked;
    private final AtomicReference<Duration> clockOffset = new AtomicReference<>(Duration.ZERO);

    @BeforeAll
    void start(@TempDir Path base) throws Exception {
        GridTools.require("myproxy-logon", "myproxy");
        dir = base;

        pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        clients = new StockClients(pki, dir);
        portal = pki.issue(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/OU=Services/CN=portal.example.jp"), List.of());
        mallory = pki.issue(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/OU=Users/CN=Mallory 000666"), List.of());
        revoked = pki.issue(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/OU=Users/CN=Revoked Person 000404"), List.of());
        pki.revoke(revoked.certificate());

        Path program = dir.resolve("passphrase-policy");
        Files.writeString(program, """
                #!/bin/sh
                read passphrase
                case "$passphrase" in
                  *[0-9]*) exit 0 ;;
                  *) echo "the passphrase of $1 needs at least one digit"; exit 1 ;;
                esac
                """);
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));

        List<DnPattern> anyone = List.of(new DnPattern("*"));
        List<DnPattern> none = List.of(new DnPattern("none"));
        AccessPolicy access = new AccessPolicy(anyone, new AccessRule("authorized_retrievers", anyone, anyone),
                new AccessRule("authorized_renewers", anyone, none), new AccessRule("authorized_key_retrievers", anyone, none),
                new AccessRule("trusted_retrievers", anyone, none), false);
        ServerPolicy policy = ServerPolicy.permissive().withAccess(access).withCheckMultipleCredentials(true)
                .withPassphrase(new PassphrasePolicy(6, Optional.of(program)))
                .withLimits(Duration.ofHours(168), Duration.ofDays(30), 3, Duration.ofSeconds(30));
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.now().plus(clockOffset.get());
            }
        };
        store = new JdbcCredentialStore(TestDatabases.h2());
        server = new MyProxyServer(new InetSocketAddress(0), pki.host(), pki.trustDir(), store, policy, 10_000, 8, clock);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("R-MP-1: a credential stored without passphrase for a renewer (-n -R) is renewed by that service with myproxy-logon -a")
    void renewal() throws Exception {
        GridTools.Result init = init("renewable", pki.user(), null, "-n", "-x", "-R", portal.subject().toOpenSsl());
        assertThat(init.exitCode()).as(init.all()).isZero();
        Path userProxy = proxyFile("user-proxy", pki.user(), ProxyKind.IMPERSONATION);

        Path out = dir.resolve("renewed");
        GridTools.Result renewed = client(List.of("myproxy-logon", "-l", "renewable", "-a", userProxy.toString(), "-n", "-t", "2",
                "-o", out.toString()), null, as(portal));
        assertThat(renewed.exitCode()).as(renewed.all()).isZero();
        Credential proxy = CredentialFiles.readProxy(out);
        assertThat(proxy.identity()).isEqualTo(pki.user().subject());
        assertVerifies(out);

        GridTools.Result notRenewer = client(List.of("myproxy-logon", "-l", "renewable", "-a", userProxy.toString(), "-n",
                "-o", dir.resolve("x1").toString()), null, as(mallory));
        assertThat(notRenewer.exitCode()).isNotZero();
        assertThat(notRenewer.all()).contains("GA-MP-014");

        GridTools.Result wrongSubject = client(List.of("myproxy-logon", "-l", "renewable", "-a",
                proxyFile("mallory-proxy", mallory, ProxyKind.IMPERSONATION).toString(), "-n", "-o", dir.resolve("x2").toString()),
                null, as(portal));
        assertThat(wrongSubject.exitCode()).isNotZero();
        assertThat(wrongSubject.all()).contains("GA-MP-016").contains("certificate subject does not match credential to be renewed");

        GridTools.Result passphraseInstead = client(List.of("myproxy-logon", "-S", "-l", "renewable", "-o", dir.resolve("x3").toString()),
                "any passphrase 1\n", as(portal));
        assertThat(passphraseInstead.exitCode()).as("a credential without passphrase is never released for a passphrase").isNotZero();
    }

    @Test
    @DisplayName("R-MP-1: renewal by the credential's own identity is refused (self-authz) as in the reference server")
    void selfRenewalRefused() throws Exception {
        assertThat(init("selfish", pki.user(), null, "-n", "-x", "-R", "*").exitCode()).isZero();
        Path userProxy = proxyFile("self-proxy", pki.user(), ProxyKind.IMPERSONATION);
        GridTools.Result self = client(List.of("myproxy-logon", "-l", "selfish", "-a", userProxy.toString(), "-n",
                "-o", dir.resolve("self").toString()), null, Map.of("X509_USER_PROXY", userProxy.toString()));
        assertThat(self.exitCode()).isNotZero();
        assertThat(self.all()).contains("GA-MP-015").contains("self-authz not allowed");
    }

    @Test
    @DisplayName("R-MP-1: a trusted retriever named with -Z gets the credential without passphrase; others do not")
    void trustedRetriever() throws Exception {
        assertThat(init("trusting", pki.user(), null, "-n", "-x", "-Z", portal.subject().toOpenSsl()).exitCode()).isZero();
        Path out = dir.resolve("trusted");
        GridTools.Result trusted = client(List.of("myproxy-logon", "-l", "trusting", "-n", "-o", out.toString()), null, as(portal));
        assertThat(trusted.exitCode()).as(trusted.all()).isZero();
        assertThat(CredentialFiles.readProxy(out).identity()).isEqualTo(pki.user().subject());
        GridTools.Result other = client(List.of("myproxy-logon", "-l", "trusting", "-n", "-o", dir.resolve("t2").toString()), null, as(mallory));
        assertThat(other.exitCode()).isNotZero();
        assertThat(other.all()).contains("GA-MP-014");
    }

    @Test
    @DisplayName("R-MP-1: limited proxies stay limited: a limited client gets a limited proxy; a stored limited proxy yields limited ones")
    void limitedStaysLimited() throws Exception {
        assertThat(init("full", pki.user(), PASSPHRASE).exitCode()).isZero();
        Path limitedClient = proxyFile("limited-client", pki.user(), ProxyKind.LIMITED);
        Path out = dir.resolve("from-limited-client");
        GridTools.Result logon = client(List.of("myproxy-logon", "-S", "-l", "full", "-o", out.toString()), PASSPHRASE + "\n",
                Map.of("X509_USER_PROXY", limitedClient.toString()));
        assertThat(logon.exitCode()).as(logon.all()).isZero();
        assertThat(GridTools.run(List.of("grid-proxy-info", "-f", out.toString(), "-type")).stdout()).contains("limited");

        Credential limitedUser = new ProxyMaker(Clock.systemUTC()).create(pki.user(), ProxyRequest.of(ProxyKind.LIMITED, Duration.ofHours(24)));
        assertThat(init("limited", limitedUser, PASSPHRASE).exitCode()).isZero();
        Path fromLimited = dir.resolve("from-limited-store");
        GridTools.Result second = client(List.of("myproxy-logon", "-S", "-l", "limited", "-o", fromLimited.toString()), PASSPHRASE + "\n");
        assertThat(second.exitCode()).as(second.all()).isZero();
        assertThat(ProxyInfo.of(CredentialFiles.readProxy(fromLimited).chain()).limited()).isTrue();
        assertThat(GridTools.run(List.of("grid-proxy-info", "-f", fromLimited.toString(), "-type")).stdout()).contains("limited");
        assertVerifies(fromLimited);
    }

    @Test
    @DisplayName("R-MP-1: myproxy-retrieve refuses a client holding only a limited proxy")
    void limitedClientCannotRetrieveKeys() throws Exception {
        Path cert = dir.resolve("ee-cert.pem");
        Path key = dir.resolve("ee-key.pem");
        CredentialFiles.writeUserCredential(cert, key, pki.user(), PASSPHRASE.toCharArray());
        Path full = proxyFile("store-proxy", pki.user(), ProxyKind.IMPERSONATION);
        GridTools.Result stored = client(List.of("myproxy-store", "-l", "keys", "-c", cert.toString(), "-y", key.toString(), "-E", "*"),
                null, Map.of("X509_USER_PROXY", full.toString()));
        assertThat(stored.exitCode()).as(stored.all()).isZero();
        Path limited = proxyFile("retrieve-limited", pki.user(), ProxyKind.LIMITED);
        GridTools.Result refused = client(List.of("myproxy-retrieve", "-S", "-l", "keys", "-c", dir.resolve("o.pem").toString(),
                "-y", dir.resolve("o.key").toString()), PASSPHRASE + "\n", Map.of("X509_USER_PROXY", limited.toString()));
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.all()).contains("GA-MP-017");
    }

    @Test
    @DisplayName("R-MP-1: several credentials per user (-k); myproxy-info lists them; check_multiple_credentials finds the one the passphrase opens")
    void multipleCredentials() {
        assertThat(init("multi", pki.user(), "laptop passphrase 1", "-k", "laptop", "-K", "for the laptop").exitCode()).isZero();
        assertThat(init("multi", pki.user(), "cluster passphrase 2", "-k", "cluster").exitCode()).isZero();
        GridTools.Result info = client(List.of("myproxy-info", "-l", "multi"), null,
                Map.of("X509_USER_PROXY", proxyFile("info-proxy", pki.user(), ProxyKind.IMPERSONATION).toString()));
        assertThat(info.exitCode()).as(info.all()).isZero();
        assertThat(info.stdout()).contains("name: laptop").contains("name: cluster").contains("for the laptop");

        GridTools.Result named = client(List.of("myproxy-logon", "-S", "-l", "multi", "-k", "cluster", "-o", dir.resolve("m1").toString()),
                "cluster passphrase 2\n");
        assertThat(named.exitCode()).as(named.all()).isZero();
        GridTools.Result wrongName = client(List.of("myproxy-logon", "-S", "-l", "multi", "-k", "laptop", "-o", dir.resolve("m2").toString()),
                "cluster passphrase 2\n");
        assertThat(wrongName.exitCode()).isNotZero();
        GridTools.Result searched = client(List.of("myproxy-logon", "-S", "-l", "multi", "-o", dir.resolve("m3").toString()),
                "laptop passphrase 1\n");
        assertThat(searched.exitCode()).as(searched.all()).isZero();
    }

    @Test
    @DisplayName("R-MP-1: the passphrase_policy_program rejects a passphrase on myproxy-init and myproxy-change-pass-phrase with its own reason")
    void passphrasePolicyProgram() {
        GridTools.Result weak = init("weak", pki.user(), "no digits at all");
        assertThat(weak.exitCode()).isNotZero();
        assertThat(weak.all()).contains("GA-MP-018").contains("the passphrase of weak needs at least one digit");
        assertThat(store.find("weak", "")).isEmpty();

        assertThat(init("strong", pki.user(), PASSPHRASE).exitCode()).isZero();
        GridTools.Result change = client(List.of("myproxy-change-pass-phrase", "-S", "-l", "strong"), PASSPHRASE + "\nstill no digits\n",
                Map.of("X509_USER_PROXY", proxyFile("change-proxy", pki.user(), ProxyKind.IMPERSONATION).toString()));
        assertThat(change.exitCode()).isNotZero();
        assertThat(change.all()).contains("needs at least one digit");
        assertThat(logon("strong", PASSPHRASE).exitCode()).as("the old passphrase still works").isZero();
    }

    @Test
    @DisplayName("R-MP-1: after lockout_threshold wrong passphrases the user name is locked, even for the right passphrase")
    void lockout() {
        assertThat(init("guessed", pki.user(), PASSPHRASE).exitCode()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(logon("guessed", "wrong guess " + i).all()).contains("GA-MP-002").contains("invalid credential passphrase");
        }
        GridTools.Result locked = logon("guessed", PASSPHRASE);
        assertThat(locked.exitCode()).isNotZero();
        assertThat(locked.all()).contains("GA-MP-003");
    }

    @Test
    @DisplayName("R-MP-1: an expired stored credential is refused with its expiry time")
    void expired() {
        assertThat(init("shortlived", pki.user(), PASSPHRASE, "-c", "1").exitCode()).isZero();
        clockOffset.set(Duration.ofHours(2));
        try {
            GridTools.Result logon = logon("shortlived", PASSPHRASE);
            assertThat(logon.exitCode()).isNotZero();
            assertThat(logon.all()).contains("GA-MP-008").contains("expired");
        } finally {
            clockOffset.set(Duration.ZERO);
        }
    }

    @Test
    @DisplayName("R-MP-1: a client whose certificate the CA's CRL revokes cannot store anything")
    void revokedClientRefused() {
        GridTools.Result init = init("revoked", revoked, PASSPHRASE);
        assertThat(init.exitCode()).isNotZero();
        assertThat(store.find("revoked", "")).isEmpty();
    }

    @Test
    @DisplayName("R-MP-1: a certificate request with a key below min_keylen is refused with the reason")
    void smallKeyRefused() {
        assertThat(init("smallkey", pki.user(), PASSPHRASE).exitCode()).isZero();
        GridTools.Result logon = client(List.of("myproxy-logon", "-S", "-l", "smallkey", "-o", dir.resolve("small").toString()),
                PASSPHRASE + "\n", Map.of("MYPROXY_KEYBITS", "1024"));
        assertThat(logon.exitCode()).isNotZero();
        assertThat(logon.all()).contains("below the minimum of 2048 bits");
    }

    private GridTools.Result init(String user, Credential credential, String passphrase, String... options) {
        return clients.init(server.port(), user, credential, passphrase, options);
    }

    private GridTools.Result logon(String user, String passphrase) {
        return client(List.of("myproxy-logon", "-S", "-l", user, "-o", dir.resolve("logon-" + user).toString()), passphrase + "\n");
    }

    private Map<String, String> as(Credential identity) {
        return Map.of("X509_USER_PROXY", proxyFile("as-" + identity.certificate().getSerialNumber(), identity, ProxyKind.IMPERSONATION).toString());
    }

    private Path proxyFile(String name, Credential credential, ProxyKind kind) {
        return clients.proxyFile(name, credential, kind);
    }

    private void assertVerifies(Path proxy) {
        GridTools.Result verify = GridTools.run(List.of("openssl", "verify", "-allow_proxy_certs", "-CApath", pki.trustDir().toString(),
                "-untrusted", proxy.toString(), proxy.toString()));
        assertThat(verify.exitCode()).as(verify.all()).isZero();
    }

    private GridTools.Result client(List<String> command, String stdin) {
        return client(command, stdin, Map.of());
    }

    private GridTools.Result client(List<String> command, String stdin, Map<String, String> extra) {
        return clients.run(server.port(), command, stdin, extra);
    }
}
