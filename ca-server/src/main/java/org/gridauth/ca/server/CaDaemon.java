package org.gridauth.ca.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.gridauth.ca.CaError;
import org.gridauth.ca.policy.RaAuthorization;
import org.gridauth.ca.protocol.RaCodec;
import org.gridauth.ca.service.CrlService;
import org.gridauth.ca.service.OcspResponder;
import org.gridauth.ca.service.OcspSigners;
import org.gridauth.ca.service.RaLinkService;
import org.gridauth.ca.service.RepositoryContent;
import org.gridauth.ca.token.CaKey;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.ops.HttpRequestMetrics;
import org.gridauth.gsi.ops.JvmMetrics;
import org.gridauth.gsi.ops.ManagementEndpoints;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.trust.IgtfInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running CA ({@code gridauth ca serve}): the RA link, the repository with OCSP, and a scheduler that keeps
 * the CRL fresh and signs an audit checkpoint every hour. Start-up abandons serials a crash left pending.
 */
public final class CaDaemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CaDaemon.class);

    private final RaLinkServer raLink;
    private final RepositoryServer repository;
    private final ScheduledExecutorService scheduler;
    private final JvmMetrics jvm;

    private CaDaemon(RaLinkServer raLink, RepositoryServer repository, ScheduledExecutorService scheduler, JvmMetrics jvm) {
        this.raLink = raLink;
        this.repository = repository;
        this.scheduler = scheduler;
        this.jvm = jvm;
    }

    public static CaDaemon start(CaRuntime runtime) {
        CaConfig config = runtime.config();
        for (Object[] required : new Object[][] {{"ra.certificates", config.raCertificates()}, {"tls.certificate", config.tlsCertificate()},
                {"tls.key", config.tlsKey()}, {"ocsp.credential-dir", config.ocspCredentialDir()}}) {
            if (required[1] == null) {
                throw new GridAuthException(CaError.CONFIGURATION_INVALID, config.source(), required[0] + " is required to serve");
            }
        }
        int abandoned = runtime.certificates().abandonStale(runtime.clock().instant().minus(Duration.ofMinutes(5)));
        if (abandoned > 0) {
            LOG.warn("{} serial(s) left pending by an interrupted issuance were marked abandoned", abandoned);
        }
        CaKey key = runtime.key();
        CrlService crls = runtime.crlService();
        crls.ensureFresh();
        Credential tls = CredentialFiles.readUserCredential(config.tlsCertificate(), config.tlsKey(), null);
        List<X509Certificate> raCertificates = CredentialFiles.readCertificates(config.raCertificates());
        RaLinkService service = new RaLinkService(runtime.issuance(), runtime.revocation(), crls, runtime.certificates(), runtime.requests(),
                new RaCodec());
        // R-OP-2: one registry for the process, served at /actuator/prometheus on the repository's HTTP port.
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpRequestMetrics metrics = new HttpRequestMetrics(registry);
        RaLinkServer raLink = new RaLinkServer(config.raListen(), tls, RaAuthorization.of(raCertificates.toArray(X509Certificate[]::new)),
                runtime.audit(), service, 4, runtime.clock(), metrics);
        JvmMetrics jvm = new JvmMetrics(registry);
        RepositoryServer repository;
        try {
            repository = new RepositoryServer(config.httpListen(), config.httpsListen(), tls,
                    new RepositoryContent(key.certificate(), runtime.namespace(), new IgtfInfo(config.alias(), null, config.crlUrl(), config.email(),
                            config.status(), "1"), config.publishDir(), config.cps(), runtime.clock()),
                    new OcspResponder(key.certificate(), ocspCredential(runtime), runtime.certificates(), runtime.clock(), Duration.ofHours(4)),
                    new org.gridauth.ca.service.GridMapData(runtime.certificates(), runtime.clock(), config.alias())::render, 4, metrics,
                    new ManagementEndpoints(registry, runtime.healthChecks()));
        } catch (RuntimeException e) {
            raLink.close();
            jvm.close();
            throw e;
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "ca-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                crls.ensureFresh();
                var checkpoint = runtime.audit().checkpoint(key);
                LOG.info("audit checkpoint signed: record {} hash {}", checkpoint.sequence(), checkpoint.hash());
            } catch (RuntimeException e) {
                LOG.error("scheduled CRL or checkpoint failed: {}", e.getMessage());
            }
        }, 1, 60, TimeUnit.MINUTES);
        return new CaDaemon(raLink, repository, scheduler, jvm);
    }

    public int raPort() {
        return raLink.port();
    }

    public int httpPort() {
        return repository.httpPort();
    }

    public int httpsPort() {
        return repository.httpsPort();
    }

    /** The delegated OCSP signer from ocsp.credential-dir, re-issued when missing or within 30 days of expiry. */
    static Credential ocspCredential(CaRuntime runtime) {
        Path dir = runtime.config().ocspCredentialDir();
        Path cert = dir.resolve("ocspcert.pem");
        Path keyFile = dir.resolve("ocspkey.pem");
        CaKey key = runtime.key();
        if (Files.isRegularFile(cert) && Files.isRegularFile(keyFile)) {
            Credential existing = CredentialFiles.readUserCredential(cert, keyFile, null);
            boolean fresh = existing.certificate().getNotAfter().after(Date.from(runtime.clock().instant().plus(Duration.ofDays(30))));
            if (fresh && existing.certificate().getIssuerX500Principal().equals(key.certificate().getSubjectX500Principal())) {
                return existing;
            }
        }
        String ca = GridDn.of(key.certificate().getSubjectX500Principal()).toOpenSsl();
        int cn = ca.lastIndexOf("/CN=");
        GridDn subject = GridDn.fromOpenSsl((cn > 0 ? ca.substring(0, cn) : ca) + "/CN=OCSP Responder");
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new GridAuthException(CaError.CONFIGURATION_INVALID, e, runtime.config().source(), "cannot create " + dir);
        }
        Credential issued = OcspSigners.issue(key, new CertificateMaker(runtime.clock()), runtime.certificates(), subject);
        CredentialFiles.writeHostCredential(cert, keyFile, issued);
        LOG.info("issued a new OCSP responder certificate, serial {}", issued.certificate().getSerialNumber().toString(16));
        return issued;
    }

    public void awaitShutdown() throws InterruptedException {
        new java.util.concurrent.CountDownLatch(1).await();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        raLink.close();
        repository.close();
        jvm.close();
    }
}
