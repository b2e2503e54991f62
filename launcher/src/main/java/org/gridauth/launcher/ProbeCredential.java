package org.gridauth.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.myproxy.client.MyProxyClient;

/**
 * The credential 'gridauth check' retrieves from MyProxy and logs in to the gateway with: a proxy of the
 * command-line demo researcher under the MyProxy user name {@value #USER}, put (as myproxy-init does) at every
 * start of the suite so it never runs out; its passphrase is in {@code <home>/check/probe.passphrase} (mode 600).
 */
final class ProbeCredential {

    static final String USER = "gridauth-probe";
    static final Duration LIFETIME = Duration.ofDays(29);

    private ProbeCredential() {
    }

    static Path passphraseFile(Path home) {
        return home.resolve("check/probe.passphrase");
    }

    static void ensure(Path home, Clock clock, int myProxyPort, Path userCert, Path userKey, Path userPassphraseFile, Path trustDir) {
        Path file = passphraseFile(home);
        char[] passphrase = null;
        char[] keyPassphrase = null;
        try {
            if (!Files.exists(file)) {
                char[] fresh = LoopbackPki.secret(new SecureRandom());
                AtomicFiles.write(file, (new String(fresh) + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
                CredentialFiles.wipe(fresh);
            }
            passphrase = Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
            keyPassphrase = Files.readString(userPassphraseFile, StandardCharsets.UTF_8).strip().toCharArray();
            Credential owner = CredentialFiles.readUserCredential(userCert, userKey, keyPassphrase);
            ProxyMaker maker = new ProxyMaker(clock);
            try (ChainValidator validator = ChainValidator.strict(trustDir)) {
                new MyProxyClient(validator, Duration.ofSeconds(20)).put("localhost", myProxyPort, owner,
                        MyProxyClient.StoreOptions.of(USER, LIFETIME), passphrase,
                        csr -> maker.sign(owner, csr, ProxyRequest.impersonation(LIFETIME), 2048));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("storing the health-check probe credential in MyProxy failed: " + e.getMessage(), e);
        } catch (MyProxyClient.Refused e) {
            throw new IllegalStateException("MyProxy refused the health-check probe credential: " + e.getMessage(), e);
        } finally {
            if (passphrase != null) {
                CredentialFiles.wipe(passphrase);
            }
            if (keyPassphrase != null) {
                CredentialFiles.wipe(keyPassphrase);
            }
        }
    }
}
