package org.gridauth.launcher.ops;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the probes go and what they authenticate with. 'gridauth check' derives them from a suite home; each can
 * be pointed elsewhere with an option.
 *
 * @param caRepository       base URL of the CA repository (http)
 * @param caCertificate      PEM file of the CA certificate the CRL must be signed by
 * @param trustDir           X509_CERT_DIR for MyProxy and the gateway
 * @param myProxyHost        MyProxy host
 * @param myProxyPort        MyProxy port
 * @param probeUser          MyProxy user name of the probe credential
 * @param probePassphrase    file holding the probe credential's passphrase
 * @param idpMetadata        URL of the IdP's metadata
 * @param portal             URL of the portal's health page; null: no portal to probe
 * @param gatewayHost        GSI-SSH gateway host
 * @param gatewayPort        its port
 * @param gatewayAccount     the account the probe credential maps to there
 * @param crlWarning         warn when the CRL's nextUpdate is closer than this
 * @param certificateWarning warn when a signing certificate expires sooner than this
 */
public record CheckTargets(URI caRepository, Path caCertificate, Path trustDir, String myProxyHost, int myProxyPort, String probeUser,
                           Path probePassphrase, URI idpMetadata, URI portal, String gatewayHost, int gatewayPort, String gatewayAccount,
                           Duration crlWarning, Duration certificateWarning) {
}
