package org.gridauth.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.gridauth.ca.server.CaConfig;
import org.gridauth.ca.server.CaDaemon;
import org.gridauth.ca.server.CaRuntime;
import org.gridauth.certmanager.server.CertManagerConfig;
import org.gridauth.certmanager.server.CertManagerDaemon;
import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsissh.server.GatewayConfigFile;
import org.gridauth.gsissh.server.GsisshGateway;
import org.gridauth.myproxy.policy.ServerConfig;
import org.gridauth.myproxy.server.MyProxyDaemon;

/**
 * The services 'gridauth up' runs, wired over loopback with embedded defaults: the grid CA (key ceremony on first
 * start), the certificate manager (with the demo office registries), the MyProxy repository and the GSI-SSH gateway
 * (a resource site whose grid-mapfile 'gridmap sync' builds from the certificate manager's feed) in this JVM; the IdP
 * bridge with its discovery service, and the RA portal, each in a JVM of its own. Each service reads its own configuration file under the gridauth
 * home, written with defaults on first start and the operator's to edit afterwards. Closing stops them in the
 * reverse order of starting.
 */
final class Suite implements AutoCloseable {

    static final String DEMO_RESEARCHER_CN = "Shiro Tanaka hpci900001";
    static final String DEMO_RESEARCHER_ID = "hpci900001";

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Path home;
    private final SuiteSettings settings;
    private final LoopbackPki loopback;
    private final GridCa gridCa;
    private CaRuntime ca;
    private CaDaemon caDaemon;
    private CertManagerDaemon certManager;
    private MyProxyDaemon myProxy;
    private Path myProxyConfig;
    private GsisshGateway gateway;
    private ChildService idp;
    private ChildService portal;
    private final PortalService portalService;
    private final DemoResearcher researcher;
    private final DemoSite site;
    private boolean created;

    private Suite(Path home, SuiteSettings settings, LoopbackPki loopback, GridCa gridCa, Clock clock) {
        this.home = home;
        this.settings = settings;
        this.loopback = loopback;
        this.gridCa = gridCa;
        this.portalService = new PortalService(home, settings, loopback);
        this.researcher = new DemoResearcher(home);
        this.site = new DemoSite(home, clock);
    }

    static Suite start(Path home, Clock clock, ServiceJars jars) {
        SuiteSettings settings = SuiteSettings.load(home);
        LoopbackPki loopback = new LoopbackPki(home, clock);
        Suite suite = new Suite(home, settings, loopback, new GridCa(home, clock, settings), clock);
        try {
            suite.startAll(clock, jars);
            return suite;
        } catch (RuntimeException | Error e) {
            suite.close();
            throw e;
        }
    }

    private void startAll(Clock clock, ServiceJars jars) {
        boolean createdLoopback = loopback.ensure();
        loopback.refreshCrl();
        boolean withPortal = jars.idp().isPresent() && jars.portal().isPresent();
        // A child JVM that cannot bind its port dies only after its slow start, while a leftover instance from an
        // earlier run answers the readiness check in its place: the suite would run with someone else's service.
        if (jars.idp().isPresent()) {
            requireFreePort(settings.idpPort(), "IdP bridge");
        }
        if (withPortal) {
            requireFreePort(settings.portalPort(), "RA portal");
            portalService.prepare(idpUrl());
        }
        // The JVM services boot first: they take longest, and boot while the CA and the rest start here.
        jars.idp().ifPresent(jar -> idp = started(ChildService.start("idp-bridge", jar, idpJvmOptions(),
                idpArguments(withPortal), Map.of(), home.resolve("logs/idp-bridge.log"))));
        if (withPortal) {
            portal = started(portalService.start(jars.portal().get(), preparedForLoad()));
        }
        boolean createdCa = gridCa.ensure(loopback);
        created = createdLoopback || createdCa;
        ca = new CaRuntime(CaConfig.load(gridCa.config()), clock);
        // The suite's trust directory, and the gateway's as a resource site would hold it (the grid CA only).
        gridCa.installTrust(ca, loopback.trustDir(), site.trustDir());
        caDaemon = started(CaDaemon.start(ca));
        CertManagerConfig certManagerConfig = CertManagerConfig.load(certManagerConfig());
        certManager = started(CertManagerDaemon.start(certManagerConfig, clock));
        new DemoRegistries(home).ensureImported(certManagerConfig.databaseUrl());
        researcher.ensure(new CertManagerApi(loopback, certManager.port()));
        myProxy = started(startMyProxy());
        ProbeCredential.ensure(home, clock, myProxy.port(), userCert(), userKey(), userPassphraseFile(), loopback.trustDir());
        site.prepare(loopback, certManager.port());
        site.sync();
        gateway = started(startGateway());
        if (idp != null) {
            // Loading the directory takes about a second per MiB of LDIF on a busy 2-core machine (100,000 accounts: ~50 MiB).
            idp.awaitReady(URI.create(idpUrl() + "/idp/shibboleth"), Duration.ofSeconds(90 + 2 * directoryMiB()));
        }
        if (portal != null) {
            portalService.awaitReady(portal);
            if (idp != null) {
                portalService.awaitIdpKnown(idpUrl() + "/idp/shibboleth", Duration.ofSeconds(30));
            }
        }
    }

    private <T extends AutoCloseable> T started(T service) {
        started.push(service);
        return service;
    }

    /**
     * The IdP's heap grows with its embedded directory: UnboundID's in-memory entries, their normalised values and
     * indexes take about 20 times the LDIF's size (measured: 20,000 accounts, 10 MiB of LDIF, 207 MiB live; 100,000
     * load researchers ~1 GiB). A suite prepared for load runs ('gridauth load
     * prepare') gets the JIT's full optimisation; otherwise the quick-starting C1 compiler is enough for a demo.
     */
    private List<String> idpJvmOptions() {
        long ldifMiB = directoryMiB();
        List<String> options = new java.util.ArrayList<>(List.of("-Xmx" + Math.max(384, 256 + 24 * ldifMiB) + "m"));
        if (!preparedForLoad()) {
            options.add("-XX:TieredStopAtLevel=1");
        }
        return options;
    }

    private long directoryMiB() {
        try {
            Path directory = home.resolve("idp/directory.ldif");
            return Files.exists(directory) ? Files.size(directory) >> 20 : 0;
        } catch (java.io.IOException e) {
            return 0; // the IdP reports an unreadable directory itself
        }
    }

    boolean preparedForLoad() {
        return Files.exists(home.resolve("load/prepared"));
    }

    private List<String> idpArguments(boolean withPortal) {
        List<String> arguments = new java.util.ArrayList<>(List.of("--server.port=" + settings.idpPort(), "--server.address=127.0.0.1",
                "--gridauth.idp.base-url=" + idpUrl(), "--gridauth.idp.home=" + home.resolve("idp").toAbsolutePath(),
                "--gridauth.idp.ldap.embedded-state-file=" + home.resolve("idp/directory.ldif").toAbsolutePath(),
                "--gridauth.idp.release-policy=" + idpReleasePolicy().toAbsolutePath()));
        if (withPortal) {
            arguments.add("--gridauth.idp.sp-metadata[0]=" + portalService.spMetadata().toAbsolutePath());
        }
        return arguments;
    }

    /** The bundled release policy, plus e-mail for the portal (its issuance notifications go there, R-RA-7). */
    private Path idpReleasePolicy() {
        Path policy = home.resolve("idp/attribute-release.yaml");
        if (!Files.exists(policy)) {
            AtomicFiles.write(policy, """
                    # Attribute release policy of the IdP bridge (R-IDP-2); see the IdP chapter of the manual.
                    default: [sn, givenName, hpciId, eduPersonPrincipalName, eduPersonEntitlement]
                    sps:
                      %s: [sn, givenName, hpciId, eduPersonPrincipalName, eduPersonEntitlement, mail]
                    """.formatted(portalService.entityId()).getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
        }
        return policy;
    }

    String idpUrl() {
        return "http://localhost:" + settings.idpPort();
    }

    private Path certManagerConfig() {
        Path config = home.resolve("cert-manager/cert-manager.conf");
        if (!Files.exists(config)) {
            // The RA link's TLS certificate is the loopback host certificate (see LoopbackPki), so the certificate
            // manager trusts the services CA for it, next to the grid CA.
            Path roots = home.resolve("cert-manager/ca-link-roots.pem");
            AtomicFiles.write(roots, (org.gridauth.gsi.credential.Pem.encode(CredentialFiles.readCertificates(gridCa.certificate()).get(0))
                    + org.gridauth.gsi.credential.Pem.encode(loopback.caCertificate())).getBytes(StandardCharsets.US_ASCII), AtomicFiles.WORLD_READABLE);
            String text = String.join("\n",
                    "# gridauth certificate manager (see the certificate manager chapter of the manual for every key)",
                    "database.url = jdbc:h2:file:" + home.resolve("cert-manager/db/cm").toAbsolutePath() + ";WRITE_DELAY=0",
                    "listen = 127.0.0.1:" + settings.certManagerPort(),
                    "management.listen = 127.0.0.1:" + settings.certManagerManagementPort(),
                    "tls.certificate = " + loopback.hostCert().toAbsolutePath(),
                    "tls.key = " + loopback.hostKey().toAbsolutePath(),
                    "trust.dir = " + loopback.trustDir().toAbsolutePath(),
                    "portal.clients = " + LoopbackPki.PORTAL_DN,
                    "ca.url = https://localhost:" + settings.caRaPort(),
                    "ca.ra-certificate = " + loopback.raCert().toAbsolutePath(),
                    "ca.ra-key = " + loopback.raKey().toAbsolutePath(),
                    "ca.certificate = " + roots.toAbsolutePath(),
                    "subject.base = " + GridCa.USERS,
                    "myproxy.host = localhost",
                    "myproxy.port = " + settings.myProxyPort(),
                    "# a few researcher keys made ahead of time; a demo machine's CPU is better spent starting the suite",
                    "key.pool = 4",
                    "");
            AtomicFiles.write(config, text.getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
        }
        return config;
    }

    private MyProxyDaemon startMyProxy() {
        myProxyConfig = home.resolve("myproxy/myproxy-server.config");
        try {
            if (!Files.exists(myProxyConfig)) {
                AtomicFiles.write(myProxyConfig, defaultMyProxyConfig().getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
            }
            return MyProxyDaemon.start(myProxyConfig);
        } catch (IOException e) {
            throw new UncheckedIOException("starting the MyProxy repository failed: " + e.getMessage(), e);
        } catch (ServerConfig.ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private String defaultMyProxyConfig() {
        return """
                # gridauth MyProxy repository (myproxy-server.config syntax; see the proxy repository admin manual)
                port %d
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
                """.formatted(settings.myProxyPort(), loopback.hostCert().toAbsolutePath(), loopback.hostKey().toAbsolutePath(),
                loopback.trustDir().toAbsolutePath(), home.resolve("myproxy/credentials").toAbsolutePath(),
                home.resolve("myproxy/sealing.key").toAbsolutePath());
    }

    /**
     * The GSI-SSH gateway on loopback as the demo resource site ({@link DemoSite}): its grid-mapfile, built by
     * 'gridmap sync', maps the demo researchers to the account running 'up' (nobody when that is root, so a demo
     * login never gets root).
     */
    private GsisshGateway startGateway() {
        Path config = home.resolve("gsissh/gsissh-gateway.conf");
        try {
            if (!Files.exists(config)) {
                AtomicFiles.write(config, String.join("\n", "# gridauth GSI-SSH gateway (see the GSI-SSH chapter of the manual)",
                        "listen 127.0.0.1", "port " + settings.gatewayPort(), "host_cert " + loopback.hostCert().toAbsolutePath(),
                        "host_key " + loopback.hostKey().toAbsolutePath(), "cert_dir " + site.trustDir().toAbsolutePath(),
                        "gridmap " + site.gridMapFile().toAbsolutePath(), "ssh_host_key " + home.resolve("gsissh/ssh_host_key").toAbsolutePath(), "")
                        .getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
            }
            return GsisshGateway.start(GatewayConfigFile.parse(Files.readString(config), config.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("starting the GSI-SSH gateway failed: " + e.getMessage(), e);
        } catch (GatewayConfigFile.ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static String gatewayAccount() {
        String user = System.getProperty("user.name");
        return "root".equals(user) ? "nobody" : user;
    }

    boolean created() {
        return created;
    }

    LoopbackPki loopback() {
        return loopback;
    }

    GridCa gridCa() {
        return gridCa;
    }

    CaRuntime ca() {
        return ca;
    }

    SuiteSettings settings() {
        return settings;
    }

    Path userCert() {
        return researcher.certificate();
    }

    Path userKey() {
        return researcher.key();
    }

    Path userPassphraseFile() {
        return researcher.passphraseFile();
    }

    PortalService portalService() {
        return portalService;
    }

    DemoSite site() {
        return site;
    }

    java.util.Optional<ChildService> portal() {
        return java.util.Optional.ofNullable(portal);
    }

    int gatewayPort() {
        return gateway.port();
    }

    int myProxyPort() {
        return myProxy.port();
    }

    Path myProxyConfig() {
        return myProxyConfig;
    }

    int caRaPort() {
        return caDaemon.raPort();
    }

    int caHttpPort() {
        return caDaemon.httpPort();
    }

    int caHttpsPort() {
        return caDaemon.httpsPort();
    }

    int certManagerPort() {
        return certManager.port();
    }

    java.util.Optional<ChildService> idp() {
        return java.util.Optional.ofNullable(idp);
    }

    /** Process IDs of the suite's JVMs (this one and its children), for the resident-memory report. */
    List<Long> pids() {
        List<Long> pids = new java.util.ArrayList<>(List.of(ProcessHandle.current().pid()));
        if (idp != null) {
            pids.add(idp.pid());
        }
        if (portal != null) {
            pids.add(portal.pid());
        }
        return pids;
    }

    void awaitShutdown() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void requireFreePort(int port, String service) {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
        } catch (java.io.IOException e) {
            throw new GridAuthException(LauncherError.PORT_IN_USE, port, service, home.resolve("gridauth.conf"));
        }
    }

    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                System.err.println("gridauth: stopping a service failed: " + e.getMessage());
            }
        }
        stopped.countDown();
    }
}
