package org.gridauth.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.gridmap.GridMapEntry;
import org.gridauth.gsissh.server.GatewayConfigFile;
import org.gridauth.gsissh.server.GsisshGateway;
import org.gridauth.myproxy.policy.ServerConfig;
import org.gridauth.myproxy.server.MyProxyDaemon;

/**
 * The services 'gridauth up' runs, wired over loopback with embedded defaults. Each service reads its own
 * configuration file under the gridauth home, written with defaults on first start and the operator's to edit.
 */
final class Suite implements AutoCloseable {

    private final MyProxyDaemon myProxy;
    private final Path myProxyConfig;
    private final GsisshGateway gateway;
    private final String gatewayAccount;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Suite(MyProxyDaemon myProxy, Path myProxyConfig, GsisshGateway gateway, String gatewayAccount) {
        this.gateway = gateway;
        this.gatewayAccount = gatewayAccount;
        this.myProxy = myProxy;
        this.myProxyConfig = myProxyConfig;
    }

    static Suite start(Path home, DemoPki pki) {
        Path config = home.resolve("myproxy/myproxy-server.config");
        try {
            if (!Files.exists(config)) {
                AtomicFiles.write(config, defaultMyProxyConfig(home, pki).getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
            }
            MyProxyDaemon myProxy = MyProxyDaemon.start(config);
            try {
                String account = demoAccount();
                GsisshGateway gateway = startGateway(home, pki, account);
                return new Suite(myProxy, config, gateway, account);
            } catch (IOException | GatewayConfigFile.ConfigException | RuntimeException e) {
                myProxy.close();
                throw e;
            }
        } catch (GatewayConfigFile.ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
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

    /**
     * The GSI-SSH gateway on 127.0.0.1:2222, its grid-mapfile mapping the demo researcher to the account running
     * 'up' (nobody when that is root, so a demo login never gets root).
     */
    private static GsisshGateway startGateway(Path home, DemoPki pki, String account) throws IOException, GatewayConfigFile.ConfigException {
        Path config = home.resolve("gsissh/gsissh-gateway.conf");
        Path gridMap = home.resolve("gsissh/grid-mapfile");
        if (!Files.exists(gridMap)) {
            GridDn demo = GridDn.of(CredentialFiles.readCertificates(pki.userCert()).get(0).getSubjectX500Principal());
            AtomicFiles.write(gridMap, (new GridMapEntry(demo.toOpenSsl(), java.util.List.of(account)).toLine() + "\n")
                    .getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
        }
        if (!Files.exists(config)) {
            AtomicFiles.write(config, String.join("\n", "# gridauth GSI-SSH gateway (see the GSI-SSH chapter of the manual)",
                    "listen 127.0.0.1", "port 2222", "host_cert " + pki.hostCert(), "host_key " + home.resolve("grid-security/hostkey.pem"),
                    "cert_dir " + pki.trustDir(), "gridmap " + gridMap, "ssh_host_key " + home.resolve("gsissh/ssh_host_key"), "")
                    .getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
        }
        return GsisshGateway.start(GatewayConfigFile.parse(Files.readString(config), config.toString()));
    }

    static String demoAccount() {
        String user = System.getProperty("user.name");
        return "root".equals(user) ? "nobody" : user;
    }

    int gatewayPort() {
        return gateway.port();
    }

    String gatewayAccount() {
        return gatewayAccount;
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
        gateway.close();
        myProxy.close();
        stopped.countDown();
    }
}
