package org.gridauth.gsissh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.gridmap.GridMapEntry;
import org.gridauth.gsi.gss.DelegationMode;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.proxy.ProxyKind;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.testing.CatalogueAssertions;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsissh.client.GsiSshClient;
import org.gridauth.gsissh.server.GatewayConfig;
import org.gridauth.gsissh.server.GsisshGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.jcraft.jsch.JSchException;

/**
 * The Java gsissh client against the gateway (R-RS-1): GSI login mapped by the grid-mapfile, commands as the mapped
 * UNIX account, delegation visible in the session, refusals for unmapped, revoked and expired credentials, and the
 * jump-host role limited to its allow-list.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GsisshGatewayTest {

    /** As root (CI) sessions run as nobody through runuser; otherwise only as the gateway's own account. */
    private static final String ACCOUNT = "root".equals(System.getProperty("user.name")) ? "nobody" : System.getProperty("user.name");

    private Path dir;
    private TestPki pki;
    private Credential mallory;
    private Credential revoked;
    private GsisshGateway jump;
    private GsisshGateway inner;

    @BeforeAll
    void start(@TempDir Path base) throws Exception {
        dir = base;
        GridTools.require("runuser", "util-linux");
        pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        mallory = pki.issue(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/OU=Users/CN=Mallory 000666"), List.of());
        revoked = pki.issue(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/OU=Users/CN=Revoked Person 000404"), List.of());
        pki.revoke(revoked.certificate());
        Path gridMap = dir.resolve("grid-mapfile");
        Files.writeString(gridMap, new GridMapEntry(pki.user().subject().toOpenSsl(), List.of(ACCOUNT)).toLine() + "\n"
                + new GridMapEntry(revoked.subject().toOpenSsl(), List.of(ACCOUNT)).toLine() + "\n");
        inner = GsisshGateway.start(config(gridMap, "inner", List.of()), pki.host(), Clock.systemUTC());
        jump = GsisshGateway.start(config(gridMap, "jump", List.of(pki.hostName() + ":" + inner.port())), pki.host(), Clock.systemUTC());
    }

    private GatewayConfig config(Path gridMap, String name, List<String> forwardAllow) {
        return new GatewayConfig("127.0.0.1", 0, null, null, pki.trustDir(), gridMap, dir.resolve(name + "_ssh_host_key"),
                Files.isDirectory(Path.of("/tmp")) ? Path.of("/tmp") : dir, forwardAllow, 1000, Duration.ofMinutes(1),
                org.gridauth.gsi.gss.PeerCertificates.ANY);
    }

    @AfterAll
    void stop() {
        for (GsisshGateway gateway : new GsisshGateway[] {jump, inner}) {
            if (gateway != null) {
                gateway.close();
            }
        }
    }

    @Test
    @DisplayName("R-RS-1: a proxy holder logs in without a password and the command runs as the grid-mapfile's account")
    void loginRunsAsMappedAccount() throws Exception {
        GsiSshClient.Result result = client(proxy(pki.user(), ProxyKind.IMPERSONATION), DelegationMode.NONE)
                .exec(pki.hostName(), jump.port(), ACCOUNT, "id -un; echo \"proxy=${X509_USER_PROXY:-none}\"");
        assertThat(result.exitStatus()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains(ACCOUNT).contains("proxy=none");
    }

    @Test
    @DisplayName("R-RS-1: a delegated proxy is in X509_USER_PROXY (mode 600, owned by the account, readable by grid-proxy-info) and gone after logout")
    void delegationVisibleInSession() throws Exception {
        GsiSshClient.Result result = client(proxy(pki.user(), ProxyKind.IMPERSONATION), DelegationMode.FULL)
                .exec(pki.hostName(), jump.port(), ACCOUNT, "echo \"file=$X509_USER_PROXY\"; stat -c '%a %U' \"$X509_USER_PROXY\"; "
                        + "grid-proxy-info -f \"$X509_USER_PROXY\" -identity");
        assertThat(result.exitStatus()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).contains("600 " + ACCOUNT).contains(pki.user().subject().toOpenSsl());
        Path file = Path.of(result.stdout().lines().filter(l -> l.startsWith("file=")).findFirst().orElseThrow().substring(5));
        Instant deadline = Instant.now().plusSeconds(5);
        while (Files.exists(file) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(file).as("the delegated proxy is removed at logout").doesNotExist();
    }

    @Test
    @DisplayName("R-RS-1: SFTP runs as the mapped account: an uploaded file belongs to it and downloads back unchanged")
    void sftp() throws Exception {
        GridTools.requireFile(Path.of("/usr/lib/openssh/sftp-server"), "openssh-sftp-server");
        GsiSshClient client = client(proxy(pki.user(), ProxyKind.IMPERSONATION), DelegationMode.NONE);
        Path local = dir.resolve("upload.txt");
        Files.writeString(local, "data for the cluster\n");
        String remote = "/tmp/gridauth-sftp-" + System.nanoTime() + ".txt";
        int uid = client.upload(pki.hostName(), jump.port(), ACCOUNT, local, remote);
        GsiSshClient.Result id = client.exec(pki.hostName(), jump.port(), ACCOUNT, "id -u");
        assertThat(uid).isEqualTo(Integer.parseInt(id.stdout().strip()));
        Path back = dir.resolve("download.txt");
        client.download(pki.hostName(), jump.port(), ACCOUNT, remote, back);
        assertThat(back).hasSameTextualContentAs(local);
        Files.deleteIfExists(Path.of(remote));
    }

    @Test
    @DisplayName("R-RS-1: a limited proxy logs in; what it delegates stays limited")
    void limitedProxy() throws Exception {
        GsiSshClient.Result result = client(proxy(pki.user(), ProxyKind.LIMITED), DelegationMode.FULL)
                .exec(pki.hostName(), jump.port(), ACCOUNT, "grid-proxy-info -f \"$X509_USER_PROXY\" -type");
        assertThat(result.exitStatus()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("limited");
    }

    @Test
    @DisplayName("R-RS-1: unmapped, revoked and expired credentials are refused, and each refusal is audited")
    void refusals() throws Exception {
        assertThatThrownBy(() -> client(proxy(mallory, ProxyKind.IMPERSONATION), DelegationMode.NONE)
                .exec(pki.hostName(), inner.port(), ACCOUNT, "true")).isInstanceOf(JSchException.class);
        assertThatThrownBy(() -> client(proxy(revoked, ProxyKind.IMPERSONATION), DelegationMode.NONE)
                .exec(pki.hostName(), inner.port(), ACCOUNT, "true")).isInstanceOf(JSchException.class);
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofMinutes(9)), ZoneOffset.UTC);
        Credential expired = new ProxyMaker(past).create(pki.user(), ProxyRequest.impersonation(Duration.ofMinutes(1)));
        Path expiredFile = dir.resolve("x509up_expired");
        CredentialFiles.writeProxy(expiredFile, expired);
        assertThatThrownBy(() -> client(expiredFile, DelegationMode.NONE).exec(pki.hostName(), inner.port(), ACCOUNT, "true"))
                .isInstanceOf(JSchException.class);
        assertThatThrownBy(() -> client(proxy(pki.user(), ProxyKind.IMPERSONATION), DelegationMode.NONE)
                .exec(pki.hostName(), inner.port(), "root", "true")).as("a DN may use only its mapped accounts").isInstanceOf(JSchException.class);
        String log = Files.readString(Path.of("target/test-server.log"));
        assertThat(log).contains("result=refused").contains("GA-SSH-001").contains("Mallory 000666")
                .contains("Revoked Person 000404");
    }

    @Test
    @DisplayName("R-RS-2, R-RS-4: a grid-mapfile change takes effect at the next login, without restarting the gateway")
    void gridMapReloaded(@TempDir Path other) throws Exception {
        Path gridMap = other.resolve("grid-mapfile");
        Files.writeString(gridMap, new GridMapEntry(pki.user().subject().toOpenSsl(), List.of(ACCOUNT)).toLine() + "\n");
        try (GsisshGateway gateway = GsisshGateway.start(config(gridMap, "reload", List.of()), pki.host(), Clock.systemUTC())) {
            GsiSshClient asMallory = client(proxy(mallory, ProxyKind.IMPERSONATION), DelegationMode.NONE);
            assertThatThrownBy(() -> asMallory.exec(pki.hostName(), gateway.port(), ACCOUNT, "true")).isInstanceOf(JSchException.class);
            Path next = other.resolve("grid-mapfile.new");
            Files.writeString(next, new GridMapEntry(mallory.subject().toOpenSsl(), List.of(ACCOUNT)).toLine() + "\n");
            Files.setLastModifiedTime(next, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
            Files.move(next, gridMap, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            assertThat(asMallory.exec(pki.hostName(), gateway.port(), ACCOUNT, "echo mapped").stdout()).contains("mapped");
            GsiSshClient asTaro = client(proxy(pki.user(), ProxyKind.IMPERSONATION), DelegationMode.NONE);
            assertThatThrownBy(() -> asTaro.exec(pki.hostName(), gateway.port(), ACCOUNT, "true"))
                    .as("removed from the grid-mapfile, refused at once (R-RS-4)").isInstanceOf(JSchException.class);
        }
    }

    @Test
    @DisplayName("R-RS-1: the gateway is a jump host to allow-listed inner hosts only (ProxyJump)")
    void jumpHost() throws Exception {
        GsiSshClient client = client(proxy(pki.user(), ProxyKind.IMPERSONATION), DelegationMode.NONE);
        GsiSshClient.Result through = client.execVia(pki.hostName(), jump.port(), pki.hostName(), inner.port(), ACCOUNT, "echo inner");
        assertThat(through.exitStatus()).isZero();
        assertThat(through.stdout()).contains("inner");
        assertThatThrownBy(() -> client.execVia(pki.hostName(), inner.port(), pki.hostName(), jump.port(), ACCOUNT, "true"))
                .as("the inner gateway forwards nowhere").isInstanceOf(JSchException.class);
    }

    @Test
    @DisplayName("R-RS-1: 'gridauth gsissh' runs a command with the proxy from X509_USER_PROXY and returns its exit status")
    void commandLineClient() throws Exception {
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        org.gridauth.gsissh.cli.GsisshCommands commands = new org.gridauth.gsissh.cli.GsisshCommands(new java.io.PrintStream(printed, true),
                java.util.Map.of("X509_USER_PROXY", proxy(pki.user(), ProxyKind.IMPERSONATION).toString(), "X509_CERT_DIR", pki.trustDir().toString()));
        assertThat(commands.client("-p", Integer.toString(jump.port()), ACCOUNT + "@" + pki.hostName(), "echo", "hello;", "exit", "3")).isEqualTo(3);
        assertThat(printed.toString()).contains("hello");
        assertThat(commands.client("nobody-at-nowhere")).isEqualTo(2);
    }

    @Test
    @DisplayName("R-RS-1, R-MP-1: 'gridauth gsissh -m' fetches the proxy from MyProxy into X509_USER_PROXY and logs in with it in one step")
    void oneStepWithMyProxy() throws Exception {
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:mem:gsissh-onestep;DB_CLOSE_DELAY=-1");
        org.gridauth.myproxy.store.JdbcCredentialStore store = new org.gridauth.myproxy.store.JdbcCredentialStore(h2);
        store.put(new org.gridauth.myproxy.store.StoredCredential("taro", "", pki.user().subject().toOpenSsl(),
                org.gridauth.myproxy.store.CredentialKind.PROXY, null, null, null, null, null, pki.user().chain(),
                new org.gridauth.myproxy.store.KeyEncryption(10_000, new java.security.SecureRandom())
                        .seal(pki.user().privateKey(), "one step passphrase".toCharArray()),
                Instant.now().minusSeconds(60), pki.user().certificate().getNotAfter().toInstant()));
        try (org.gridauth.myproxy.server.MyProxyServer myproxy = new org.gridauth.myproxy.server.MyProxyServer(
                new java.net.InetSocketAddress("127.0.0.1", 0), pki.host(), pki.trustDir(), store,
                org.gridauth.myproxy.policy.ServerPolicy.permissive(), 10_000, 4, Clock.systemUTC())) {
            Path target = dir.resolve("x509up_onestep");
            java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
            org.gridauth.gsissh.cli.GsisshCommands commands = new org.gridauth.gsissh.cli.GsisshCommands(new java.io.PrintStream(printed, true),
                    java.util.Map.of("X509_USER_PROXY", target.toString(), "X509_CERT_DIR", pki.trustDir().toString()),
                    new java.io.ByteArrayInputStream("one step passphrase\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            int status = commands.client("-m", pki.hostName() + ":" + myproxy.port(), "-l", "taro", "-p", Integer.toString(jump.port()),
                    ACCOUNT + "@" + pki.hostName(), "echo", "onestep");
            assertThat(status).as(printed.toString()).isZero();
            assertThat(printed.toString()).contains("onestep");
            assertThat(CredentialFiles.readProxy(target).identity()).isEqualTo(pki.user().subject());
        }
    }

    @Test
    @DisplayName("R-RS-1: garbage, truncated and enormous GSS tokens end the attempt with a logged reason; the gateway keeps serving")
    void hostileTokens() throws Exception {
        for (String token : new String[] {"474554202f20485454502f312e310d0a", "160303", "huge"}) {
            com.jcraft.jsch.Session session = new com.jcraft.jsch.JSch().getSession(ACCOUNT, pki.hostName(), inner.port());
            session.setConfig("PreferredAuthentications", "gssapi-with-mic");
            session.setConfig("userauth.gssapi-with-mic", com.jcraft.jsch.UserAuthHostileGss.class.getName());
            session.setConfig("StrictHostKeyChecking", "no");
            session.setConfig("test.token", token);
            assertThatThrownBy(() -> session.connect(10_000)).as(token).isInstanceOf(JSchException.class);
            session.disconnect();
        }
        assertThat(Files.readString(Path.of("target/test-server.log"))).contains("GA-CORE-080");
        GsiSshClient.Result still = client(proxy(pki.user(), ProxyKind.IMPERSONATION), DelegationMode.NONE)
                .exec(pki.hostName(), inner.port(), ACCOUNT, "echo alive");
        assertThat(still.stdout()).contains("alive");
    }

    @Test
    @DisplayName("R-OP-1: the GA-SSH catalogue is complete in English and Japanese")
    void catalogue() {
        CatalogueAssertions.assertComplete(new GsisshError.CatalogueProvider().catalogue());
    }

    private GsiSshClient client(Path proxy, DelegationMode delegation) {
        return new GsiSshClient(new GsiSshClient.Options(proxy, pki.trustDir(), delegation, null, Duration.ofSeconds(20)));
    }

    private Path proxy(Credential credential, ProxyKind kind) {
        Path file = dir.resolve("x509up_" + credential.certificate().getSerialNumber() + "_" + kind);
        CredentialFiles.writeProxy(file, new ProxyMaker(Clock.systemUTC()).create(credential, ProxyRequest.of(kind, Duration.ofHours(1))));
        return file;
    }
}
