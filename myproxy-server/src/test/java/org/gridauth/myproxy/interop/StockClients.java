package org.gridauth.myproxy.interop;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.proxy.ProxyKind;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;

/**
 * Runs Debian's myproxy-* clients against a server on this machine, the way a researcher's shell would: the test
 * PKI's trust directory, the server's host name and port, no stray proxy of the test user unless one is given.
 */
final class StockClients {

    private final TestPki pki;
    private final Path dir;

    StockClients(TestPki pki, Path dir) {
        this.pki = pki;
        this.dir = dir;
    }

    GridTools.Result run(int port, List<String> command, String stdin, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("X509_CERT_DIR", pki.trustDir().toString());
        env.put("MYPROXY_SERVER", pki.hostName());
        env.put("MYPROXY_SERVER_PORT", Integer.toString(port));
        env.put("X509_USER_PROXY", dir.resolve("x509up_none").toString());
        env.put("HOME", dir.toString());
        env.putAll(extra);
        return GridTools.run(new ArrayList<>(command), env, stdin, Duration.ofSeconds(60));
    }

    /** myproxy-init from an unencrypted copy of the credential; a null passphrase adds nothing (use -n in options). */
    GridTools.Result init(int port, String user, Credential credential, String passphrase, String... options) {
        try {
            Path key = dir.resolve(user + "-init-key.pem");
            Path cert = dir.resolve(user + "-init-cert.pem");
            AtomicFiles.write(key, Pem.encode(credential.privateKey()).getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_READ);
            Files.writeString(cert, Pem.encode(credential.chain()));
            List<String> command = new ArrayList<>(List.of("myproxy-init", "-l", user, "-C", cert.toString(), "-y", key.toString()));
            if (passphrase != null) {
                command.add("-S");
            }
            command.addAll(List.of(options));
            return run(port, command, passphrase == null ? null : passphrase + "\n", Map.of("X509_USER_PROXY",
                    dir.resolve("x509up_init_" + user).toString()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A one-hour proxy of the credential in a file of the test directory. */
    Path proxyFile(String name, Credential credential, ProxyKind kind) {
        Path file = dir.resolve(name);
        CredentialFiles.writeProxy(file, new ProxyMaker(Clock.systemUTC()).create(credential, ProxyRequest.of(kind, Duration.ofHours(1))));
        return file;
    }
}
