package org.gridauth.gsissh.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The gateway's settings; defaults follow the /etc/grid-security conventions.
 *
 * @param bindAddress     address to listen on
 * @param port            SSH port (22 in production, 2222 in the embedded default)
 * @param hostCert        GSI host certificate
 * @param hostKey         its unencrypted key
 * @param certDir         trust directory (X509_CERT_DIR) with CRLs
 * @param gridMapFile     grid-mapfile (GRIDMAP)
 * @param sshHostKey      the SSH host key file (created on first start)
 * @param proxyDirectory  where delegated proxies are written
 * @param forwardAllow    host:port (or host:*) the jump-host role may forward to
 * @param failureLimit    failed logins per source before throttling
 * @param failureWindow   how long a throttled source waits
 * @param clientCertificates which client chains are accepted (proxies only, by default any)
 */
public record GatewayConfig(String bindAddress, int port, Path hostCert, Path hostKey, Path certDir, Path gridMapFile,
                            Path sshHostKey, Path proxyDirectory, List<String> forwardAllow, int failureLimit,
                            Duration failureWindow, org.gridauth.gsi.gss.PeerCertificates clientCertificates) {

    public GatewayConfig {
        forwardAllow = List.copyOf(forwardAllow);
    }

    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 22, Path.of("/etc/grid-security/hostcert.pem"), Path.of("/etc/grid-security/hostkey.pem"),
                Path.of("/etc/grid-security/certificates"), Path.of("/etc/grid-security/grid-mapfile"),
                Path.of("/etc/gridauth/gsissh/ssh_host_key"), Path.of("/tmp"), List.of(), 10, Duration.ofMinutes(10),
                org.gridauth.gsi.gss.PeerCertificates.ANY);
    }
}
