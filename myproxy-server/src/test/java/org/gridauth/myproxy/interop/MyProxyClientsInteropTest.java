package org.gridauth.myproxy.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.proxy.ProxyInfo;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.myproxy.policy.ServerPolicy;
import org.gridauth.myproxy.server.MyProxyServer;
import org.gridauth.myproxy.store.JdbcCredentialStore;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The stock Debian MyProxy clients against gridauth's server (R-MP-1). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MyProxyClientsInteropTest {

    private static final String PASSPHRASE = "storage passphrase 2026";

    private final TestPki pki = TestPki.shared();
    private MyProxyServer server;

    @TempDir
    Path dir;

    @BeforeAll
    void start() throws Exception {
        GridTools.require("myproxy-logon", "myproxy");
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:myproxy-interop;DB_CLOSE_DELAY=-1");
        server = new MyProxyServer(new InetSocketAddress(0), pki.host(), pki.trustDir(), new JdbcCredentialStore(h2),
                ServerPolicy.permissive(), 10_000, 8, Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("R-MP-1: myproxy-init stores a proxy; myproxy-info shows it; myproxy-logon fetches a valid proxy; myproxy-destroy removes it")
    void initInfoLogonDestroy() throws Exception {
        Path key = dir.resolve("userkey.pem");
        Path cert = dir.resolve("usercert.pem");
        AtomicFiles.write(key, Pem.encode(pki.user().privateKey()).getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_READ);
        Files.writeString(cert, Pem.encode(pki.user().certificate()));

        GridTools.Result init = client(List.of("myproxy-init", "-S", "-l", "taro", "-C", cert.toString(), "-y", key.toString(),
                "-c", "24"), PASSPHRASE + "\n");
        assertThat(init.exitCode()).as(init.all()).isZero();
        assertThat(init.stdout()).contains("A proxy valid for 24 hours");

        Path proxy = writeProxyFor(pki.user());
        GridTools.Result info = client(List.of("myproxy-info", "-l", "taro"), null, Map.of("X509_USER_PROXY", proxy.toString()));
        assertThat(info.exitCode()).as(info.all()).isZero();
        assertThat(info.stdout()).contains("owner: " + pki.user().subject().toOpenSsl()).contains("timeleft:");

        Path out = dir.resolve("x509up_logon");
        GridTools.Result logon = client(List.of("myproxy-logon", "-S", "-l", "taro", "-t", "2", "-o", out.toString()), PASSPHRASE + "\n");
        assertThat(logon.exitCode()).as(logon.all()).isZero();
        assertThat(logon.stdout()).contains("A credential has been received for user taro in " + out);
        Credential received = CredentialFiles.readProxy(out);
        assertThat(received.identity()).isEqualTo(pki.user().subject());
        assertThat(Duration.between(java.time.Instant.now(), received.certificate().getNotAfter().toInstant()).toMinutes()).isBetween(110L, 120L);
        try (ChainValidator validator = ChainValidator.strict(pki.trustDir())) {
            assertThat(validator.validate(received.chain()).valid()).isTrue();
        }
        GridTools.Result gridInfo = GridTools.run(List.of("grid-proxy-info", "-f", out.toString(), "-identity"));
        assertThat(gridInfo.stdout().strip()).isEqualTo(pki.user().subject().toOpenSsl());

        GridTools.Result wrong = client(List.of("myproxy-logon", "-S", "-l", "taro", "-o", dir.resolve("x").toString()), "not the passphrase\n");
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.all()).contains("GA-MP-002").contains("invalid credential passphrase");

        GridTools.Result destroy = client(List.of("myproxy-destroy", "-l", "taro"), null, Map.of("X509_USER_PROXY", proxy.toString()));
        assertThat(destroy.exitCode()).as(destroy.all()).isZero();
        GridTools.Result gone = client(List.of("myproxy-logon", "-S", "-l", "taro", "-o", dir.resolve("y").toString()), PASSPHRASE + "\n");
        assertThat(gone.exitCode()).isNotZero();
        assertThat(gone.all()).contains("GA-MP-001");
    }

    @Test
    @DisplayName("R-MP-1: myproxy-change-pass-phrase changes the passphrase; only the new one works afterwards")
    void changePassphrase() throws Exception {
        storeWithInit("hanako", PASSPHRASE);
        Path proxy = writeProxyFor(pki.user());
        GridTools.Result change = client(List.of("myproxy-change-pass-phrase", "-S", "-l", "hanako"),
                PASSPHRASE + "\nnew passphrase 2027\n", Map.of("X509_USER_PROXY", proxy.toString()));
        assertThat(change.exitCode()).as(change.all()).isZero();
        assertThat(logon("hanako", PASSPHRASE).exitCode()).isNotZero();
        GridTools.Result ok = logon("hanako", "new passphrase 2027");
        assertThat(ok.exitCode()).as(ok.all()).isZero();
    }

    @Test
    @DisplayName("R-MP-1: myproxy-get-trustroots (anonymous) installs the server's trust directory; myproxy-logon -T too")
    void trustRoots() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("certificates"));
        GridTools.Result roots = client(List.of("myproxy-get-trustroots", "-b"), null, Map.of("X509_CERT_DIR", empty.toString()));
        assertThat(roots.exitCode()).as(roots.all()).isZero();
        String hash = org.gridauth.gsi.trust.TrustDirectory.subjectHash(pki.ca().certificate().getSubjectX500Principal());
        assertThat(empty.resolve(hash + ".0")).hasSameTextualContentAs(pki.trustDir().resolve(hash + ".0"));
        assertThat(empty.resolve(hash + ".signing_policy")).exists();

        storeWithInit("jiro", PASSPHRASE);
        Path other = Files.createDirectories(dir.resolve("certificates2"));
        Files.copy(pki.trustDir().resolve(hash + ".0"), other.resolve(hash + ".0"));
        Files.copy(pki.trustDir().resolve(hash + ".signing_policy"), other.resolve(hash + ".signing_policy"));
        GridTools.Result logon = client(List.of("myproxy-logon", "-S", "-T", "-l", "jiro", "-o", dir.resolve("p").toString()),
                PASSPHRASE + "\n", Map.of("X509_CERT_DIR", other.toString()));
        assertThat(logon.exitCode()).as(logon.all()).isZero();
        assertThat(other.resolve(hash + ".r0")).exists();
        assertThat(other.resolve(hash + ".namespaces")).exists();
    }

    @Test
    @DisplayName("R-MP-1: a credential stored with a retriever policy (-x -r) refuses other clients")
    void retrieverPolicy() {
        storeWithInit("saburo", PASSPHRASE, "-x", "-r", "/C=JP/O=Somewhere Else/*");
        GridTools.Result refused = logon("saburo", PASSPHRASE);
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.all()).contains("GA-MP-004");
    }

    @Test
    @DisplayName("R-MP-1: a retrieved proxy never outlives the stored credential, whatever lifetime is asked")
    void lifetimeCappedByStoredCredential() {
        storeWithInit("shiro", PASSPHRASE, "-c", "3");
        Path out = dir.resolve("capped");
        GridTools.Result logon = client(List.of("myproxy-logon", "-S", "-l", "shiro", "-t", "100", "-o", out.toString()), PASSPHRASE + "\n");
        assertThat(logon.exitCode()).as(logon.all()).isZero();
        Credential received = CredentialFiles.readProxy(out);
        assertThat(Duration.between(java.time.Instant.now(), received.notAfter()).toMinutes()).isLessThanOrEqualTo(180L);
    }

    @Test
    @DisplayName("R-MP-1: myproxy-store keeps an end-entity credential (key still encrypted); myproxy-retrieve and myproxy-logon use it")
    void storeAndRetrieve() throws Exception {
        Path cert = dir.resolve("usercert.pem");
        Path key = dir.resolve("userkey.pem");
        CredentialFiles.writeUserCredential(cert, key, pki.user(), PASSPHRASE.toCharArray());
        Path proxy = writeProxyFor(pki.user());
        GridTools.Result store = client(List.of("myproxy-store", "-l", "goro", "-c", cert.toString(), "-y", key.toString(),
                "-E", "*"), null, Map.of("X509_USER_PROXY", proxy.toString()));
        assertThat(store.exitCode()).as(store.all()).isZero();

        Path outCert = dir.resolve("out-cert.pem");
        Path outKey = dir.resolve("out-key.pem");
        GridTools.Result retrieve = client(List.of("myproxy-retrieve", "-S", "-l", "goro", "-c", outCert.toString(), "-y", outKey.toString()),
                PASSPHRASE + "\n", Map.of("X509_USER_PROXY", proxy.toString()));
        assertThat(retrieve.exitCode()).as(retrieve.all()).isZero();
        Credential back = CredentialFiles.readUserCredential(outCert, outKey, PASSPHRASE.toCharArray());
        assertThat(back.certificate()).isEqualTo(pki.user().certificate());

        GridTools.Result logon = logon("goro", PASSPHRASE);
        assertThat(logon.exitCode()).as(logon.all()).isZero();
        assertThat(logon("goro", "wrong wrong wrong").all()).contains("GA-MP-002");
    }

    @Test
    @DisplayName("R-MP-1: another identity can neither overwrite, inspect nor destroy someone else's credential")
    void ownerOnly() throws Exception {
        storeWithInit("rokuro", PASSPHRASE);
        Credential mallory = pki.issue(org.gridauth.gsi.profile.CertificateProfiles.client(),
                org.gridauth.gsi.dn.GridDn.fromOpenSsl(TestPki.ORGANISATION + "/OU=Users/CN=Mallory 000666"), List.of());
        Path key = dir.resolve("mallory-key.pem");
        Path cert = dir.resolve("mallory-cert.pem");
        AtomicFiles.write(key, Pem.encode(mallory.privateKey()).getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_READ);
        Files.writeString(cert, Pem.encode(mallory.certificate()));
        GridTools.Result overwrite = client(List.of("myproxy-init", "-S", "-l", "rokuro", "-C", cert.toString(), "-y", key.toString()),
                "mallory's passphrase\n");
        assertThat(overwrite.exitCode()).isNotZero();
        assertThat(overwrite.all()).contains("GA-MP-006");
        Path proxy = dir.resolve("x509up_mallory");
        CredentialFiles.writeProxy(proxy, new org.gridauth.gsi.proxy.ProxyMaker(Clock.systemUTC()).create(mallory,
                org.gridauth.gsi.proxy.ProxyRequest.impersonation(Duration.ofHours(1))));
        for (String tool : List.of("myproxy-info", "myproxy-destroy")) {
            GridTools.Result refused = client(List.of(tool, "-l", "rokuro"), null, Map.of("X509_USER_PROXY", proxy.toString()));
            assertThat(refused.exitCode()).as(tool).isNotZero();
            assertThat(refused.all()).as(tool).contains("GA-MP-006");
        }
        assertThat(logon("rokuro", PASSPHRASE).exitCode()).isZero();
    }

    @Test
    @DisplayName("R-MP-1: retriever policies in myproxy-init's default CN-only mode (-X) match by CN; myproxy-logon -N checks the passphrase like the upstream test 4N")
    void cnOnlyPolicyAndAuthenticateOnly() throws Exception {
        storeWithInit("shichiro", PASSPHRASE, "-r", "Taro Yamada 000001");
        GridTools.Result anonymous = logon("shichiro", PASSPHRASE);
        assertThat(anonymous.exitCode()).isNotZero();
        assertThat(anonymous.all()).contains("GA-MP-004");
        Path taro = writeProxyFor(pki.user());
        Path out = dir.resolve("cn-only");
        GridTools.Result asTaro = client(List.of("myproxy-logon", "-S", "-l", "shichiro", "-o", out.toString()), PASSPHRASE + "\n",
                Map.of("X509_USER_PROXY", taro.toString()));
        assertThat(asTaro.exitCode()).as(asTaro.all()).isZero();

        Path none = dir.resolve("authenticate-only");
        GridTools.Result check = client(List.of("myproxy-logon", "-S", "-N", "-l", "shichiro", "-o", none.toString()), PASSPHRASE + "\n",
                Map.of("X509_USER_PROXY", taro.toString()));
        assertThat(check.exitCode()).as(check.all()).isZero();
        GridTools.Result wrong = client(List.of("myproxy-logon", "-S", "-N", "-l", "shichiro"), "not it at all\n",
                Map.of("X509_USER_PROXY", taro.toString()));
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.all()).contains("invalid credential passphrase");
    }

    private void storeWithInit(String user, String passphrase, String... options) {
        try {
            Path key = dir.resolve("init-userkey.pem");
            Path cert = dir.resolve("init-usercert.pem");
            if (!Files.exists(key)) {
                AtomicFiles.write(key, Pem.encode(pki.user().privateKey()).getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_READ);
                Files.writeString(cert, Pem.encode(pki.user().certificate()));
            }
            List<String> command = new ArrayList<>(List.of("myproxy-init", "-S", "-l", user, "-C", cert.toString(), "-y", key.toString()));
            command.addAll(List.of(options));
            GridTools.Result init = client(command, passphrase + "\n");
            assertThat(init.exitCode()).as(init.all()).isZero();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private GridTools.Result logon(String user, String passphrase) {
        return client(List.of("myproxy-logon", "-S", "-l", user, "-o", dir.resolve("logon-" + user).toString()), passphrase + "\n");
    }

    private Path writeProxyFor(Credential credential) {
        Credential proxy = new org.gridauth.gsi.proxy.ProxyMaker(Clock.systemUTC()).create(credential,
                org.gridauth.gsi.proxy.ProxyRequest.impersonation(Duration.ofHours(1)));
        Path file = dir.resolve("x509up_client");
        CredentialFiles.writeProxy(file, proxy);
        assertThat(ProxyInfo.of(proxy.chain()).proxy()).isTrue();
        return file;
    }

    private GridTools.Result client(List<String> command, String stdin) {
        return client(command, stdin, Map.of());
    }

    private GridTools.Result client(List<String> command, String stdin, Map<String, String> extra) {
        return new StockClients(pki, dir).run(server.port(), command, stdin, extra);
    }
}
