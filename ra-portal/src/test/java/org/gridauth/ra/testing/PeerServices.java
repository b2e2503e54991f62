package org.gridauth.ra.testing;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.operator.ContentSigner;
import org.gridauth.ca.policy.CaPolicy;
import org.gridauth.ca.policy.CaProfile;
import org.gridauth.ca.policy.CrlSchedule;
import org.gridauth.ca.policy.RaAuthorization;
import org.gridauth.ca.protocol.RaCodec;
import org.gridauth.ca.server.RaLinkServer;
import org.gridauth.ca.service.CrlService;
import org.gridauth.ca.service.IssuanceService;
import org.gridauth.ca.service.RaLinkService;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.store.JdbcCrlStore;
import org.gridauth.ca.store.JdbcRequestLog;
import org.gridauth.ca.token.CaKey;
import org.gridauth.certmanager.client.CaLinkClient;
import org.gridauth.certmanager.policy.PassphraseRule;
import org.gridauth.certmanager.policy.ProxyLifetimePolicy;
import org.gridauth.certmanager.server.CertManagerServer;
import org.gridauth.certmanager.server.PortalApi;
import org.gridauth.certmanager.service.AttributeAuthority;
import org.gridauth.certmanager.service.CertificateService;
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
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsi.trust.NamespacePolicy;
import org.gridauth.myproxy.client.MyProxyClient;
import org.gridauth.myproxy.policy.ServerPolicy;
import org.gridauth.myproxy.server.MyProxyServer;

/**
 * The portal's real peers on loopback, built from their own modules' main classes: the CA's RA link (signing with
 * the test PKI's CA key; the portal is one of its RAs for host/service certificates), the certificate manager (the
 * portal is its configured portal client) and a MyProxy server.
 *
 * <p>The CA's certificates, revocations and CRLs and the certificate manager's records and mappings follow the
 * testbed's {@link MovableClock}, as the portal does, so a test can move the world forward (to a certificate's
 * renewal window). TLS, audit trails, request logs, proxies and MyProxy keep the system time.
 */
public final class PeerServices implements AutoCloseable {

    public static final String PORTAL_DN = TestPki.ORGANISATION + "/CN=portal.example.org";
    public static final String VO_HOST = "voms.example.org";

    public final TestPki pki = TestPki.shared();
    public final Credential portal;
    /** The certificate manager's RA credential (the load driver times CA round trips with it). */
    public final Credential ra;
    public final Map<String, List<String>> memberships = new ConcurrentHashMap<>();
    public final MyProxyServer myproxy;
    public final RaLinkServer caLink;
    public final CertManagerServer certManager;
    public final JdbcAuditTrail caAudit;
    /** The CA's database, for tests that count what it issued. */
    public final javax.sql.DataSource caData;
    /** The CA's certificate records (status and revocation reason of every certificate it issued). */
    public final JdbcCertificateStore caStore;
    /** Where the CA publishes its CRL ({@code crl.der}). */
    public final Path caPublished;
    /** The certificate manager's database (mapping records, registries, the sites' grid-mapfile feed). */
    public final CmDatabase cmDatabase;
    public final javax.sql.DataSource cmData;
    /** The certificate manager's key pool: empty unless -Dgridauth.bench.key-pool=N (the portal benchmark's burst run). */
    public final org.gridauth.certmanager.keys.KeyPool keyPool = org.gridauth.certmanager.keys.KeyPool.rsa(2048,
            Integer.getInteger("gridauth.bench.key-pool", 0));
    private final ChainValidator validator;

    public PeerServices(Path dir, Clock moved) throws Exception {
        Clock clock = Clock.systemUTC();
        ra = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=cm.example.org"), List.of("cm.example.org"));
        portal = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(PORTAL_DN), List.of("portal.example.org"));
        Credential acIssuer = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=" + VO_HOST), List.of(VO_HOST));

        caData = TestDatabases.h2();
        CaDatabase caDb = new CaDatabase(caData);
        caAudit = new JdbcAuditTrail(caDb, clock);
        caStore = new JdbcCertificateStore(caDb, caAudit, moved);
        CaKey caKey = new CaKey() {
            @Override
            public X509Certificate certificate() {
                return pki.ca().certificate();
            }

            @Override
            public ContentSigner signer() {
                return pki.caSigner();
            }

            @Override
            public String description() {
                return "test PKI CA key";
            }
        };
        CaPolicy caPolicy = new CaPolicy(NamespacePolicy.below(TestPki.CA_DN, TestPki.ORGANISATION), CaPolicy.byName(CaProfile.defaults()),
                URI.create("http://ca.example.org/crl.der"), URI.create("http://ca.example.org/ocsp"), URI.create("http://ca.example.org/ca.der"),
                List.of("1.3.6.1.4.1.99999.3.1.1"));
        IssuanceService issuance = new IssuanceService(caKey, caPolicy, caStore, caAudit, new CertificateMaker(moved));
        caPublished = Files.createDirectories(dir.resolve("ca-pub"));
        CrlService crls = new CrlService(caKey, caStore, new JdbcCrlStore(caDb, caAudit), CrlSchedule.defaults(), caPublished, moved);
        RaLinkService raService = new RaLinkService(issuance, new org.gridauth.ca.service.RevocationService(caStore, crls, caAudit, moved), crls,
                caStore, new JdbcRequestLog(caDb, clock), new RaCodec());
        caLink = new RaLinkServer(new InetSocketAddress("127.0.0.1", 0), pki.host(), RaAuthorization.of(ra.certificate(), portal.certificate()), caAudit,
                raService, 8, clock);

        myproxy = new MyProxyServer(new InetSocketAddress("127.0.0.1", 0), pki.host(), pki.trustDir(),
                new org.gridauth.myproxy.store.JdbcCredentialStore(TestDatabases.h2()), ServerPolicy.permissive(), 10_000, 8, clock);

        cmData = TestDatabases.h2();
        CmDatabase database = new CmDatabase(cmData);
        cmDatabase = database;
        JdbcCredentialStore store = new JdbcCredentialStore(database, moved);
        JdbcAuditLog audit = new JdbcAuditLog(database, clock);
        JdbcIssueRequests requests = new JdbcIssueRequests(database, clock);
        validator = ChainValidator.strict(pki.trustDir());
        CaLinkClient ca = new CaLinkClient(URI.create("https://" + pki.hostName() + ":" + caLink.port()), ra, List.of(pki.ca().certificate()),
                Duration.ofSeconds(20));
        MyProxyTarget target = new MyProxyTarget(pki.hostName(), myproxy.port(), new MyProxyClient(validator, Duration.ofSeconds(20)));
        KeyVault vault = new KeyVault();
        CertificateService certificates = new CertificateService(new CertificateService.IssuanceSettings(
                GridDn.fromOpenSsl(TestPki.ORGANISATION + "/OU=Users"), "client", 2048, new PassphraseRule(12)), store, requests, audit, ca, target,
                Optional.empty(), vault, moved, keyPool);
        ProxyService proxies = new ProxyService(store, audit, vault, new ProxyMaker(clock), new ProxyLifetimePolicy(Duration.ofHours(12),
                Duration.ofHours(168)), new PassphraseRule(8), hpciId -> memberships.getOrDefault(hpciId, List.of()),
                Optional.of(new AttributeAuthority(acIssuer, VO_HOST, 15000, clock)), target,
                org.gridauth.certmanager.store.JdbcPassphraseGuard.defaults(database, clock), clock);
        RevocationService revocations = new RevocationService(store, audit, ca, moved);
        certManager = new CertManagerServer(new InetSocketAddress("127.0.0.1", 0), pki.host(), validator, 8)
                .route("/v1/", new PortalApi(Set.of(portal.subject()), certificates, proxies, revocations, new Mappings(store, moved), audit))
                .start();
    }

    public String certManagerUrl() {
        return "https://" + pki.hostName() + ":" + certManager.port();
    }

    public String caUrl() {
        return "https://" + pki.hostName() + ":" + caLink.port();
    }

    @Override
    public void close() {
        keyPool.close();
        certManager.close();
        caLink.close();
        myproxy.close();
        validator.close();
    }
}
