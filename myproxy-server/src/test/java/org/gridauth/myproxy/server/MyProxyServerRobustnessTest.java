package org.gridauth.myproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.gridauth.gsi.proxy.DelegationRequest;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.myproxy.policy.DnPattern;
import org.gridauth.myproxy.policy.ServerPolicy;
import org.gridauth.myproxy.protocol.MessageIo;
import org.gridauth.myproxy.protocol.MyProxyCommand;
import org.gridauth.myproxy.protocol.MyProxyRequest;
import org.gridauth.myproxy.protocol.MyProxyResponse;
import org.gridauth.myproxy.store.CredentialKind;
import org.gridauth.myproxy.store.JdbcCredentialStore;
import org.gridauth.myproxy.store.KeyEncryption;
import org.gridauth.myproxy.store.StoredCredential;
import org.gridauth.gsi.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Bad input on the wire: each gets an ERROR or a clean close in time, and the server keeps serving. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MyProxyServerRobustnessTest {

    private static final String PASSPHRASE = "robust passphrase";

    private final TestPki pki = TestPki.shared();
    private MyProxyServer server;
    private JdbcCredentialStore store;
    private SSLContext anonymous;

    @BeforeAll
    void start() throws Exception {
        store = new JdbcCredentialStore(TestDatabases.h2());
        ServerPolicy policy = new ServerPolicy(org.gridauth.myproxy.policy.AccessPolicy.permissive(), false, Duration.ofHours(12),
                Duration.ofDays(7), 2048, new org.gridauth.myproxy.policy.PassphrasePolicy(6, java.util.Optional.empty()), 3,
                Duration.ofMinutes(10), 4096, Duration.ofSeconds(1), Duration.ZERO);
        server = new MyProxyServer(new InetSocketAddress("127.0.0.1", 0), pki.host(), pki.trustDir(), store, policy, 10_000, 4,
                Clock.systemUTC());
        anonymous = TestPki.anonymousClientTls(pki.ca().certificate());
        KeyEncryption keys = new KeyEncryption(10_000, new java.security.SecureRandom());
        for (String user : List.of("alice", "bob")) {
            store.put(new StoredCredential(user, "", pki.user().subject().toOpenSsl(), CredentialKind.END_ENTITY, null, null, null, null,
                    null, pki.user().chain(), org.gridauth.gsi.credential.CredentialFiles
                            .encryptedKeyPem(pki.user().privateKey(), PASSPHRASE.toCharArray()).getBytes(StandardCharsets.US_ASCII),
                    java.time.Instant.now().minusSeconds(60), pki.user().certificate().getNotAfter().toInstant()));
        }
        assertThat(keys).isNotNull();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    @DisplayName("R-MP-1: garbage instead of a TLS handshake is dropped and the next client is served")
    void garbageBeforeHandshake() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            raw.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            raw.setSoTimeout(5000);
            assertThat(raw.getInputStream().read(new byte[256])).isLessThan(256);
        }
        assertThat(get("alice", PASSPHRASE).code()).isEqualTo(MyProxyResponse.OK);
    }

    @Test
    @DisplayName("R-MP-1: an idle (slowloris) connection is closed after request_timeout while others are served")
    void idleConnectionClosed() throws Exception {
        try (SSLSocket idle = connect()) {
            long start = System.nanoTime();
            idle.setSoTimeout(10_000);
            int read = idle.getInputStream().read();
            long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(read).isEqualTo(-1);
            assertThat(waited).isBetween(500L, 5000L);
        }
    }

    @Test
    @DisplayName("R-MP-1: a client trickling one byte at a time is cut off at request_timeout; idle clients never starve a GET; past the connection cap new connections are closed at once")
    void tricklingAndCrowdedClients() throws Exception {
        try (SSLSocket trickle = connect(); SSLSocket idle1 = connect(); SSLSocket idle2 = connect()) {
            long start = System.nanoTime();
            OutputStream out = trickle.getOutputStream();
            out.write('0');
            boolean cut = false;
            for (byte b : "VERSION=MYPROXYv2\nCOMMAND=0\nUSERNAME=alice\nPASSPHRASE=".getBytes(StandardCharsets.US_ASCII)) {
                try {
                    out.write(b);
                    out.flush();
                    Thread.sleep(300);
                } catch (java.io.IOException e) {
                    cut = true;
                    break;
                }
            }
            long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(cut).as("the trickling connection was closed").isTrue();
            assertThat(waited).isLessThan(4000L);
            assertThat(get("alice", PASSPHRASE).code()).as("two idle connections do not block a GET").isEqualTo(MyProxyResponse.OK);
        }
        java.util.List<SSLSocket> crowd = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                crowd.add(connect());
            }
            java.net.Socket extra = new java.net.Socket("127.0.0.1", server.port());
            extra.setSoTimeout(5000);
            assertThat(extra.getInputStream().read()).as("the fifth connection is closed, not queued").isEqualTo(-1);
            extra.close();
        } finally {
            for (SSLSocket socket : crowd) {
                socket.close();
            }
        }
    }

    @Test
    @DisplayName("R-MP-1: oversized, NUL-less, unknown-command and non-numeric-lifetime requests get a protocol ERROR")
    void protocolErrors() throws Exception {
        byte[] huge = new byte[8000];
        java.util.Arrays.fill(huge, (byte) 'A');
        assertThat(exchange(huge).errorText()).contains("GA-MP-009").contains("limit of 4096");
        assertThat(exchange("VERSION=MYPROXYv2\nCOMMAND=99\nUSERNAME=a\nPASSPHRASE=x\n\0".getBytes(StandardCharsets.US_ASCII)).errorText())
                .contains("Unknown command");
        assertThat(exchange("VERSION=MYPROXYv2\nCOMMAND=0\nUSERNAME=alice\nPASSPHRASE=x\nLIFETIME=soon\n\0".getBytes(StandardCharsets.US_ASCII))
                .errorText()).contains("lifetime");
        try (SSLSocket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write('0');
            out.write("VERSION=MYPROXYv2\nCOMMAND=0\n".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            MyProxyResponse reply = MyProxyResponse.parse(MessageIo.readMessage(socket.getInputStream(), 65536));
            assertThat(reply.errorText()).contains("NUL");
        }
        assertThat(get("alice", PASSPHRASE).code()).isEqualTo(MyProxyResponse.OK);
    }

    @Test
    @DisplayName("R-MP-2: after 3 wrong passphrases the credential is locked, even for the right one")
    void lockout() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(get("bob", "wrong passphrase").errorText()).contains("GA-MP-002");
        }
        assertThat(get("bob", PASSPHRASE).errorText()).contains("GA-MP-003").contains("locked");
        assertThat(get("alice", PASSPHRASE).code()).isEqualTo(MyProxyResponse.OK);
    }

    /** A GET with a fresh key; returns the final reply (or the first one when it is an error). */
    private MyProxyResponse get(String user, String passphrase) throws Exception {
        try (SSLSocket socket = connect()) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            out.write('0');
            MessageIo.write(out, new MyProxyRequest(MyProxyRequest.VERSION, MyProxyCommand.GET, user, passphrase, "", 3600, "", "",
                    null, null, null, null, false).encode());
            MyProxyResponse first = MyProxyResponse.parse(MessageIo.readMessage(in, 65536));
            if (first.code() != MyProxyResponse.OK) {
                return first;
            }
            DelegationRequest request = DelegationRequest.generate(2048, new java.security.SecureRandom());
            MessageIo.write(out, request.request().getEncoded());
            List<java.security.cert.X509Certificate> chain = MessageIo.readChain(in, 65536);
            assertThat(chain.get(0).getPublicKey()).isEqualTo(request.keyPair().getPublic());
            return MyProxyResponse.parse(MessageIo.readMessage(in, 65536));
        }
    }

    private MyProxyResponse exchange(byte[] message) throws Exception {
        try (SSLSocket socket = connect()) {
            socket.getOutputStream().write('0');
            socket.getOutputStream().write(message);
            socket.getOutputStream().flush();
            return MyProxyResponse.parse(MessageIo.readMessage(socket.getInputStream(), 65536));
        }
    }

    private SSLSocket connect() throws Exception {
        SSLSocket socket = (SSLSocket) anonymous.getSocketFactory().createSocket("127.0.0.1", server.port());
        socket.startHandshake();
        return socket;
    }
}
