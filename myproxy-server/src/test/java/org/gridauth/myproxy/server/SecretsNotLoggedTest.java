package org.gridauth.myproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.myproxy.policy.ServerPolicy;
import org.gridauth.myproxy.protocol.MessageIo;
import org.gridauth.myproxy.protocol.MyProxyCommand;
import org.gridauth.myproxy.protocol.MyProxyRequest;
import org.gridauth.myproxy.protocol.MyProxyResponse;
import org.gridauth.myproxy.store.CredentialKind;
import org.gridauth.myproxy.store.JdbcCredentialStore;
import org.gridauth.myproxy.store.StoredCredential;
import org.gridauth.gsi.testing.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Passphrases and keys never reach the log, whatever the outcome of a request. */
class SecretsNotLoggedTest {

    @Test
    @DisplayName("R-MP-2: right, wrong and malformed requests leave no passphrase or key material in the server log")
    void noSecretsInLog() throws Exception {
        TestPki pki = TestPki.shared();
        String right = "Zq7-right-secret-" + System.nanoTime();
        String wrong = "Xw9-wrong-secret-" + System.nanoTime();
        JdbcCredentialStore store = new JdbcCredentialStore(TestDatabases.h2());
        store.put(new StoredCredential("secretive", "", pki.user().subject().toOpenSsl(), CredentialKind.END_ENTITY, null, null, null,
                null, null, pki.user().chain(), CredentialFiles.encryptedKeyPem(pki.user().privateKey(), right.toCharArray())
                        .getBytes(StandardCharsets.US_ASCII), java.time.Instant.now().minusSeconds(60),
                pki.user().certificate().getNotAfter().toInstant()));
        try (MyProxyServer server = new MyProxyServer(new InetSocketAddress("127.0.0.1", 0), pki.host(), pki.trustDir(), store,
                ServerPolicy.permissive(), 10_000, 2, Clock.systemUTC())) {
            for (String passphrase : new String[] {wrong, right}) {
                send(server, pki, new MyProxyRequest(MyProxyRequest.VERSION, MyProxyCommand.GET, "secretive", passphrase, "", 3600, "", "",
                        null, null, null, null, false).encode());
            }
            send(server, pki, ("VERSION=MYPROXYv2\nCOMMAND=0\nUSERNAME=secretive\nPASSPHRASE=" + wrong + "\nLIFETIME=bad\n\0")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/test-server.log"));
        String text = Files.exists(log) ? Files.readString(log) : "";
        assertThat(text).contains("user=secretive");
        String keyBase64 = Base64.getEncoder().encodeToString(pki.user().privateKey().getEncoded()).substring(40, 80);
        assertThat(text).doesNotContain(right).doesNotContain(wrong).doesNotContain(keyBase64).doesNotContain("PRIVATE KEY");
    }

    private static void send(MyProxyServer server, TestPki pki, byte[] request) throws Exception {
        SSLContext context = TestPki.anonymousClientTls(pki.ca().certificate());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.getOutputStream().write('0');
            MessageIo.write(socket.getOutputStream(), request);
            MyProxyResponse.parse(MessageIo.readMessage(socket.getInputStream(), 65536));
        }
    }
}
