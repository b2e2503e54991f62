package org.gridauth.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.myproxy.policy.ServerConfig;
import org.gridauth.myproxy.server.MyProxyDaemon;

/**
 * The services 'gridauth up' runs, wired over loopback with embedded defaults. Each service reads its own
 * configuration file under the gridauth home, written with defaults on first start and the operator's to edit.
 */
final class Suite implements AutoCloseable {

    private final MyProxyDaemon myProxy;
    private final Path myProxyConfig;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Suite(MyProxyDaemon myProxy, Path myProxyConfig) {
        this.myProxy = myProxy;
        this.myProxyConfig = myProxyConfig;
    }

    static Suite start(Path home, DemoPki pki) {
        Path config = home.resolve("myproxy/myproxy-server.config");
        try {
            if (!Files.exists(config)) {
                AtomicFiles.write(config, defaultMyProxyConfig(home, pki).getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
            }
            return new Suite(MyProxyDaemon.start(config), config);
        } catch (IOException e) {
            throw new UncheckedIOException("starting the MyProxy repository failed: " + e.getMessage(), e);
        } catch (ServerConfig.ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static String defaultMyProxyConfig(Path home, DemoPki pki) {
        return """
                # gridauth MyProxy repository (myproxy-server.config syntax; see the proxy repository admin manual)
                port 7512
                host_cert %s
                host_key %s
                cert_dir %s
                database_url jdbc:h2:file:%s
                sealing_key %s
                # every repository feature on, as in the reference manual's example; per-credential policies
                # (myproxy-init -r/-R/-Z, myproxy-store -E) open renewal, key and trusted retrieval
                accepted_credentials       "*"
                authorized_retrievers      "*"
                default_retrievers         "*"
                authorized_renewers        "*"
                default_renewers           "none"
                authorized_key_retrievers  "*"
                default_key_retrievers     "none"
                trusted_retrievers         "*"
                default_trusted_retrievers "none"
                max_proxy_lifetime 168
                max_cred_lifetime 720
                """.formatted(pki.hostCert(), home.resolve("grid-security/hostkey.pem"), pki.trustDir(),
                home.resolve("myproxy/credentials").toAbsolutePath(), home.resolve("myproxy/sealing.key").toAbsolutePath());
    }

    int myProxyPort() {
        return myProxy.port();
    }

    Path myProxyConfig() {
        return myProxyConfig;
    }

    void awaitShutdown() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        myProxy.close();
        stopped.countDown();
    }
}
