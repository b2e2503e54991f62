package org.gridauth.ca.server;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import org.gridauth.ca.CaError;
import org.gridauth.ca.crypto.RsaVerification;
import org.gridauth.ca.policy.CaPolicy;
import org.gridauth.ca.policy.CaProfile;
import org.gridauth.ca.policy.CsrInspector;
import org.gridauth.ca.service.CrlService;
import org.gridauth.ca.service.IssuanceService;
import org.gridauth.ca.service.RevocationService;
import org.gridauth.ca.store.CaDataSources;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.store.JdbcCrlStore;
import org.gridauth.ca.store.JdbcRequestLog;
import org.gridauth.ca.token.CaKey;
import org.gridauth.ca.token.Pkcs11Token;
import org.gridauth.ca.token.Secrets;
import org.gridauth.ca.token.SoftwareCaKey;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.ops.HealthCheck;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.trust.NamespacePolicy;
import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.postgresql.ds.PGSimpleDataSource;

/** The CA's parts wired from its configuration: database, stores, key, policy and services. */
public final class CaRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(CaRuntime.class);

    private final CaConfig config;
    private final Clock clock;
    private final CaDatabase database;
    private final JdbcAuditTrail audit;
    private final JdbcCertificateStore certificates;
    private final JdbcCrlStore crls;
    private final JdbcRequestLog requests;
    private CaKey key;
    private IssuanceService issuance;
    private CrlService crlService;
    private RevocationService revocation;

    public CaRuntime(CaConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.database = new CaDatabase(CaDataSources.pooled(dataSource(config), "ca-db"));
        this.audit = new JdbcAuditTrail(database, clock);
        this.certificates = new JdbcCertificateStore(database, audit, clock);
        this.crls = new JdbcCrlStore(database, audit);
        this.requests = new JdbcRequestLog(database, clock);
    }

    public CaConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public JdbcAuditTrail audit() {
        return audit;
    }

    public JdbcCertificateStore certificates() {
        return certificates;
    }

    public JdbcRequestLog requests() {
        return requests;
    }

    /** Logs in to the token (or loads the demo software key) on first use. */
    public synchronized CaKey key() {
        if (key == null) {
            if (config.pkcs11() != null) {
                key = openToken().caKey(config.keyLabel(), "SHA256withRSA");
            } else {
                char[] passphrase = Secrets.readFirstLine(config.softwareKeyPassphraseFile(), "CA key passphrase");
                try {
                    key = SoftwareCaKey.load(config.softwareKey(), passphrase);
                } finally {
                    Arrays.fill(passphrase, '\0');
                }
            }
        }
        return key;
    }

    /** Logs in to the configured token with the PIN from the PIN file. */
    public Pkcs11Token openToken() {
        if (config.pkcs11() == null) {
            throw new GridAuthException(CaError.CONFIGURATION_INVALID, config.source(), "this needs an HSM (key.pkcs11.library), not key.pkcs12");
        }
        char[] pin = Secrets.readFirstLine(config.pinFile(), "HSM PIN");
        try {
            return Pkcs11Token.login(config.pkcs11(), pin);
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    public NamespacePolicy namespace() {
        return new NamespacePolicy(GridDn.of(key().certificate().getSubjectX500Principal()), config.namespace());
    }

    public CaPolicy policy() {
        return new CaPolicy(namespace(), CaPolicy.byName(CaProfile.defaults()), config.crlUrl(), config.ocspUrl(), config.caIssuersUrl(),
                config.policyOids());
    }

    /** One of each service per CA process: CRL numbering is serialised in the one CrlService. */
    public synchronized IssuanceService issuance() {
        if (issuance == null) {
            RsaVerification rsa = RsaVerification.preferNative();
            LOG.info("RSA signatures (requests' proofs of possession, the CA key's signatures) are checked with {}", rsa.description());
            issuance = new IssuanceService(key(), policy(), certificates, audit, new CertificateMaker(clock, new SecureRandom(), rsa),
                    new CsrInspector(rsa));
        }
        return issuance;
    }

    public synchronized CrlService crlService() {
        if (crlService == null) {
            crlService = new CrlService(key(), certificates, crls, config.crl(), config.publishDir(), clock);
        }
        return crlService;
    }

    public synchronized RevocationService revocation() {
        if (revocation == null) {
            revocation = new RevocationService(certificates, crlService(), audit, clock);
        }
        return revocation;
    }

    /**
     * What the CA needs to serve (R-OP-2 health): the database answers, and the key signs something that its
     * certificate verifies. The probe signature goes through the token itself, so a logged-out HSM session, a
     * removed token or a wrong key shows as DOWN; it is not a certificate and is never kept.
     */
    public List<HealthCheck> healthChecks() {
        return List.of(new HealthCheck("database", database::ping), new HealthCheck("signing key", () -> {
            CaKey caKey = key();
            ContentSigner signer = caKey.signer();
            byte[] probe = ("gridauth CA health probe " + clock.instant()).getBytes(StandardCharsets.US_ASCII);
            signer.getOutputStream().write(probe);
            ContentVerifier verifier = new JcaContentVerifierProviderBuilder().build(caKey.certificate()).get(signer.getAlgorithmIdentifier());
            verifier.getOutputStream().write(probe);
            if (!verifier.verify(signer.getSignature())) {
                throw new IllegalStateException("the key's signature does not verify with the CA certificate");
            }
        }));
    }

    private static DataSource dataSource(CaConfig config) {
        String url = config.databaseUrl();
        if (url.startsWith("jdbc:h2:")) {
            JdbcDataSource h2 = new JdbcDataSource();
            // Committed certificates must survive a killed process: no delayed writes.
            String options = url.toUpperCase(java.util.Locale.ROOT);
            if (url.startsWith("jdbc:h2:file:") && !options.contains("WRITE_DELAY")) {
                url += ";WRITE_DELAY=0";
            }
            if (!options.contains("QUERY_CACHE_SIZE")) {
                url += ";" + CaDataSources.H2_QUERY_CACHE;
            }
            h2.setURL(url);
            h2.setUser(config.databaseUser() == null ? "" : config.databaseUser());
            if (config.databasePasswordFile() != null) {
                h2.setPassword(new String(Secrets.readFirstLine(config.databasePasswordFile(), "database password")));
            }
            return h2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            PGSimpleDataSource pg = new PGSimpleDataSource();
            pg.setURL(url);
            if (config.databaseUser() != null) {
                pg.setUser(config.databaseUser());
            }
            if (config.databasePasswordFile() != null) {
                pg.setPassword(new String(Secrets.readFirstLine(config.databasePasswordFile(), "database password")));
            }
            return CaDataSources.withCaSettings(pg);
        }
        throw new GridAuthException(CaError.CONFIGURATION_INVALID, config.source(), "database.url must be jdbc:h2:... or jdbc:postgresql:...");
    }

}
