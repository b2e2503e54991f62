package org.gridauth.gsi.gss;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.proxy.ProxyInfo;
import org.gridauth.gsi.proxy.ProxyKind;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsi.trust.RevocationMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Java GSI mechanism against the real Globus GSSAPI (Debian's libglobus-gssapi-gsi), compiled here from
 * src/test/c/gsi_peer.c: the C side initiates against the Java acceptor and accepts the Java initiator, over TLS 1.3
 * and 1.2, with and without (limited) delegation; wrapped messages and MICs are checked both ways (R-RS-1).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GsiGlobusInteropTest {

    private static final TestPki PKI = TestPki.shared();

    private Path dir;
    private Path peer;
    private ChainValidator validator;

    @BeforeAll
    void compile(@TempDir Path base) throws Exception {
        dir = base;
        GridTools.require("gcc", "gcc");
        GridTools.requireFile(Path.of("/usr/include/globus/gssapi.h"), "libglobus-gssapi-gsi-dev");
        peer = dir.resolve("gsi_peer");
        GridTools.Result cc = GridTools.run(List.of("gcc", "-Wall", "-O1", "-o", peer.toString(),
                Path.of("src/test/c/gsi_peer.c").toAbsolutePath().toString(), "-I/usr/include/globus", "-lglobus_gssapi_gsi"));
        assertThat(cc.exitCode()).as(cc.all()).isZero();
        validator = new ChainValidator(PKI.trustDir(), RevocationMode.IF_AVAILABLE, false, Duration.ofMinutes(1));
    }

    @AfterAll
    void close() {
        if (validator != null) {
            validator.close();
        }
    }

    @ParameterizedTest(name = "{0}, delegation {1}")
    @CsvSource({"TLSv1.3, none", "TLSv1.3, full", "TLSv1.3, limited", "TLSv1.2, none", "TLSv1.2, full", "TLSv1.2, limited"})
    @DisplayName("R-RS-1: the Globus initiator establishes a context with the Java acceptor; names, delegation, wrap and MIC agree")
    void globusInitiatorJavaAcceptor(String protocol, String delegation) throws Exception {
        Path proxy = dir.resolve("x509up_" + protocol + delegation);
        CredentialFiles.writeProxy(proxy, GsiContextTest.userProxy(ProxyKind.IMPERSONATION));
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             GsiContext acceptor = GsiContext.acceptor(GsiOptions.acceptor(PKI.host(), validator).withProtocols(protocol))) {
            Process c = start(List.of("initiate", Integer.toString(listener.getLocalPort()), PKI.hostName(), delegation),
                    Map.of("X509_USER_PROXY", proxy.toString()));
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(c));
            try (Socket socket = accept(listener, c, output)) {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                while (!acceptor.isEstablished()) {
                    send(out, acceptor.acceptSecContext(receive(in)));
                }
                assertThat(acceptor.peerIdentity()).contains(PKI.user().subject());
                if (delegation.equals("none")) {
                    assertThat(acceptor.delegatedCredential()).isEmpty();
                } else {
                    Credential delegated = acceptor.delegatedCredential().orElseThrow();
                    assertThat(delegated.identity()).isEqualTo(PKI.user().subject());
                    assertThat(ProxyInfo.of(delegated.chain()).limited()).isEqualTo(delegation.equals("limited"));
                    assertThat(validator.validate(delegated.chain()).valid()).isTrue();
                }
                assertThat(new String(acceptor.unwrap(receive(in)), StandardCharsets.UTF_8)).isEqualTo("wrapped by the C initiator");
                send(out, acceptor.wrap("wrapped by the Java acceptor".getBytes(StandardCharsets.UTF_8)));
                byte[] mic = receive(in);
                byte[] message = receive(in);
                acceptor.verifyMIC(mic, message);
                assertThat(new String(message, StandardCharsets.UTF_8)).isEqualTo("signed by the C initiator");
                byte[] mine = "signed by the Java acceptor".getBytes(StandardCharsets.UTF_8);
                send(out, acceptor.getMIC(mine));
                send(out, mine);
            }
            String printed = output.get(30, TimeUnit.SECONDS);
            assertThat(c.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(c.exitValue()).as(printed).isZero();
            assertThat(printed).contains("SOURCE=" + PKI.user().subject().toOpenSsl())
                    .contains("TARGET=" + PKI.host().subject().toOpenSsl())
                    .contains("UNWRAPPED=wrapped by the Java acceptor")
                    .contains("MIC_VERIFIED=signed by the Java acceptor");
        }
    }

    @ParameterizedTest(name = "{0}, delegation {1}")
    @CsvSource({"TLSv1.3, NONE", "TLSv1.3, FULL", "TLSv1.3, LIMITED", "TLSv1.2, NONE", "TLSv1.2, FULL", "TLSv1.2, LIMITED"})
    @DisplayName("R-RS-1: the Java initiator establishes a context with the Globus acceptor; the delegated proxy validates with grid-proxy-info")
    void javaInitiatorGlobusAcceptor(String protocol, DelegationMode delegation) throws Exception {
        Path hostCert = dir.resolve("hostcert.pem");
        Path hostKey = dir.resolve("hostkey.pem");
        if (!Files.exists(hostCert)) {
            CredentialFiles.writeHostCredential(hostCert, hostKey, PKI.host());
        }
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             GsiContext initiator = GsiContext.initiator(GsiOptions.initiator(GsiContextTest.userProxy(ProxyKind.IMPERSONATION), validator,
                     TargetName.hostBased("host@" + PKI.hostName())).withDelegation(delegation).withProtocols(protocol))) {
            Process c = start(List.of("accept", Integer.toString(listener.getLocalPort())),
                    Map.of("X509_USER_CERT", hostCert.toString(), "X509_USER_KEY", hostKey.toString(), "TMPDIR", dir.toString()));
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(c));
            try (Socket socket = accept(listener, c, output)) {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                send(out, initiator.initSecContext(new byte[0]));
                while (!initiator.isEstablished()) {
                    send(out, initiator.initSecContext(receive(in)));
                }
                assertThat(initiator.peerIdentity()).contains(PKI.host().subject());
                send(out, initiator.wrap("wrapped by the Java initiator".getBytes(StandardCharsets.UTF_8)));
                assertThat(new String(initiator.unwrap(receive(in)), StandardCharsets.UTF_8)).isEqualTo("wrapped by the C acceptor");
                byte[] mine = "signed by the Java initiator".getBytes(StandardCharsets.UTF_8);
                send(out, initiator.getMIC(mine));
                send(out, mine);
                byte[] mic = receive(in);
                byte[] message = receive(in);
                initiator.verifyMIC(mic, message);
                assertThat(new String(message, StandardCharsets.UTF_8)).isEqualTo("signed by the C acceptor");
            }
            String printed = output.get(30, TimeUnit.SECONDS);
            assertThat(c.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(c.exitValue()).as(printed).isZero();
            assertThat(printed).contains("SOURCE=" + PKI.user().subject().toOpenSsl())
                    .contains("UNWRAPPED=wrapped by the Java initiator")
                    .contains("MIC_VERIFIED=signed by the Java initiator");
            if (delegation == DelegationMode.NONE) {
                assertThat(printed).contains("DELEGATED=none");
            } else {
                String file = printed.lines().filter(l -> l.startsWith("DELEGATED=")).findFirst().orElseThrow()
                        .replaceFirst("DELEGATED=(X509_USER_PROXY=)?", "");
                GridTools.Result info = GridTools.run(List.of("grid-proxy-info", "-f", file, "-identity", "-type"));
                assertThat(info.exitCode()).as(info.all()).isZero();
                assertThat(info.stdout()).contains(PKI.user().subject().toOpenSsl());
                assertThat(info.stdout()).contains(delegation == DelegationMode.LIMITED ? "limited" : "RFC 3820");
                Files.deleteIfExists(Path.of(file));
            }
        }
    }

    private Process start(List<String> arguments, Map<String, String> credentials) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(peer.toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = new HashMap<>(credentials);
        env.put("X509_CERT_DIR", PKI.trustDir().toString());
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        return builder.start();
    }

    private static Socket accept(ServerSocket listener, Process c, CompletableFuture<String> output) throws Exception {
        listener.setSoTimeout(20_000);
        try {
            Socket socket = listener.accept();
            socket.setSoTimeout(20_000);
            return socket;
        } catch (IOException e) {
            c.destroy();
            throw new AssertionError("the C peer did not connect: " + output.get(5, TimeUnit.SECONDS), e);
        }
    }

    private static String read(Process c) {
        try {
            return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void send(DataOutputStream out, byte[] token) throws IOException {
        if (token.length > 0) {
            out.writeInt(token.length);
            out.write(token);
            out.flush();
        }
    }

    private static byte[] receive(DataInputStream in) throws IOException {
        int length = in.readInt();
        byte[] token = new byte[length];
        in.readFully(token);
        return token;
    }
}
