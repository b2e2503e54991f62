package org.gridauth.certmanager.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.certmanager.client.CaLinkClient;
import org.gridauth.certmanager.policy.VoMembership;
import org.gridauth.certmanager.service.AttributeAuthority;
import org.gridauth.certmanager.service.CertificateService;
import org.gridauth.certmanager.service.IssuanceNotifier;
import org.gridauth.certmanager.service.KeyVault;
import org.gridauth.certmanager.service.Mappings;
import org.gridauth.certmanager.service.MyProxyTarget;
import org.gridauth.certmanager.service.ProxyService;
import org.gridauth.certmanager.service.RevocationService;
import org.gridauth.certmanager.store.CmDatabase;
import org.gridauth.certmanager.store.JdbcAuditLog;
import org.gridauth.certmanager.store.JdbcCredentialStore;
import org.gridauth.certmanager.store.JdbcIssueRequests;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.ops.HealthCheck;
import org.gridauth.gsi.ops.HttpRequestMetrics;
import org.gridauth.gsi.ops.JvmMetrics;
import org.gridauth.gsi.ops.ManagementEndpoints;
import org.gridauth.gsi.ops.ManagementServer;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.myproxy.client.MyProxyClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The certificate manager service, built from {@code cert-manager.conf}: database, peers, listener, housekeeping. */
public final class CertManagerDaemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CertManagerDaemon.class);

    private final HikariDataSource pool;
    private final ChainValidator validator;
    private final CertManagerServer server;
    private final ScheduledExecutorService housekeeping;
    private final JvmMetrics jvm;
    private final ManagementServer management;
    private final org.gridauth.certmanager.keys.KeyPool keys;

    private CertManagerDaemon(HikariDataSource pool, ChainValidator validator, CertManagerServer server, ScheduledExecutorService housekeeping,
                              JvmMetrics jvm, ManagementServer management, org.gridauth.certmanager.keys.KeyPool keys) {
        this.keys = keys;
        this.pool = pool;
        this.validator = validator;
        this.server = server;
        this.housekeeping = housekeeping;
        this.jvm = jvm;
        this.management = management;
    }

    public static CertManagerDaemon start(CertManagerConfig config, Clock clock) {
        Credential tls = CredentialFiles.readUserCredential(config.tlsCertificate(), config.tlsKey(), null);
        Credential ra = CredentialFiles.readUserCredential(config.raCertificate(), config.raKey(), null);
        List<X509Certificate> caRoots = CredentialFiles.readCertificates(config.caCertificate());
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.databaseUrl());
        if (!config.databaseUser().isEmpty()) {
            hikari.setUsername(config.databaseUser());
        }
        if (config.databasePasswordFile() != null) {
            hikari.setPassword(readSecret(config.databasePasswordFile()));
        }
        hikari.setMaximumPoolSize(Math.max(2, Math.min(config.threads(), 16)));
        hikari.setPoolName("cert-manager-db");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new GridAuthException(CertManagerError.DATABASE_UNAVAILABLE, e, e.getMessage());
        }
        ChainValidator validator = null;
        // R-OP-2: one registry for the process; served on management.listen when that is set.
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmMetrics jvm = new JvmMetrics(registry);
        ManagementServer management = null;
        org.gridauth.certmanager.keys.KeyPool keys = null;
        try {
            CmDatabase database = new CmDatabase(pool);
            JdbcCredentialStore store = new JdbcCredentialStore(database, clock);
            JdbcAuditLog audit = new JdbcAuditLog(database, clock);
            JdbcIssueRequests requests = new JdbcIssueRequests(database, clock);
            validator = ChainValidator.strict(config.trustDir());
            CaLinkClient ca = new CaLinkClient(config.caUrl(), ra, caRoots, Duration.ofSeconds(30));
            MyProxyTarget myproxy = new MyProxyTarget(config.myproxyHost(), config.myproxyPort(), new MyProxyClient(validator, Duration.ofSeconds(30)));
            KeyVault vault = new KeyVault();
            Optional<IssuanceNotifier> notifier = Optional.ofNullable(config.mail()).map(IssuanceNotifier::new);
            Optional<AttributeAuthority> aa = config.acCertificate() == null ? Optional.empty()
                    : Optional.of(new AttributeAuthority(CredentialFiles.readUserCredential(config.acCertificate(), config.acKey(), null),
                    config.acHost(), config.acPort(), clock));
            VoMembership membership = Registries.membership(database, clock);
            keys = org.gridauth.certmanager.keys.KeyPool.rsa(config.keyBits(), config.keyPool());
            CertificateService certificates = new CertificateService(new CertificateService.IssuanceSettings(config.subjectBase(), config.caProfile(),
                    config.keyBits(), config.keyPassphrase()), store, requests, audit, ca, myproxy, notifier, vault, clock, keys);
            ProxyService proxies = new ProxyService(store, audit, vault, new ProxyMaker(clock), config.proxyLifetime(), config.storagePassphrase(),
                    membership, aa, myproxy, org.gridauth.certmanager.store.JdbcPassphraseGuard.defaults(database, clock), clock);
            CertManagerServer server = new CertManagerServer(config.listen(), tls, validator, config.threads(), new HttpRequestMetrics(registry));
            server.route("/v1/", new PortalApi(new HashSet<>(config.portalClients()), certificates, proxies,
                    new RevocationService(store, audit, ca, clock), new Mappings(store, clock), audit));
            Registries.routes(server, pool, database, clock);
            if (config.managementListen() != null) {
                management = management(config, new ManagementEndpoints(registry, List.of(new HealthCheck("database", database::ping))));
            }
            server.start();
            ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cert-manager-housekeeping");
                t.setDaemon(true);
                return t;
            });
            housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    requests.purgeReplyKeys();
                } catch (RuntimeException e) {
                    LOG.warn("housekeeping failed: {}", e.getMessage());
                }
            }, 1, 60, TimeUnit.MINUTES);
            return new CertManagerDaemon(pool, validator, server, housekeeping, jvm, management, keys);
        } catch (RuntimeException e) {
            if (keys != null) {
                keys.close();
            }
            if (management != null) {
                management.close();
            }
            if (validator != null) {
                validator.close();
            }
            jvm.close();
            pool.close();
            throw e;
        }
    }

    /**
     * The health and metrics listener: plain HTTP on loopback, apart from the service port, because that one asks
     * every caller for a client certificate before any path is read, and a monitoring agent on this machine should
     * not need a grid credential to ask whether the service is up.
     */
    private static ManagementServer management(CertManagerConfig config, ManagementEndpoints endpoints) {
        try {
            return new ManagementServer(config.managementListen(), endpoints);
        } catch (java.io.IOException e) {
            throw new GridAuthException(CertManagerError.CONFIGURATION_INVALID, e, config.source(),
                    "management.listen: cannot listen on " + config.managementListen() + ": " + e.getMessage());
        }
    }

    /** The management listener's port, or -1 without {@code management.listen}. */
    public int managementPort() {
        return management == null ? -1 : management.address().getPort();
    }

    /** Runs the certificate manager from a configuration file until the process is stopped. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: gridauth cert-manager <cert-manager.conf>");
            System.exit(2);
        }
        CertManagerDaemon daemon;
        try {
            daemon = start(CertManagerConfig.load(Path.of(args[0])), Clock.systemUTC());
        } catch (GridAuthException e) {
            System.err.println("cert-manager: " + e.getMessage());
            System.err.println("  " + e.localizedMessage(java.util.Locale.JAPANESE));
            System.err.println("  What to do: " + e.action(java.util.Locale.ENGLISH));
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "cert-manager-shutdown"));
        LOG.info("certificate manager running on port {}", daemon.port());
        Thread.currentThread().join();
    }

    public int port() {
        return server.port();
    }

    private static String readSecret(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (java.io.IOException e) {
            throw new GridAuthException(CertManagerError.CONFIGURATION_INVALID, e, file, "cannot read the secret file");
        }
    }

    @Override
    public void close() {
        keys.close();
        housekeeping.shutdownNow();
        if (management != null) {
            management.close();
        }
        server.close();
        validator.close();
        pool.close();
        jvm.close();
    }
}
