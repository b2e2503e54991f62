package org.gridauth.certmanager;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.sql.DataSource;

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
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsi.trust.NamespacePolicy;
import org.gridauth.myproxy.client.MyProxyClient;
import org.gridauth.myproxy.policy.ServerPolicy;
import org.gridauth.myproxy.server.MyProxyServer;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * The certificate manager with real peers on loopback: a CA (ca-server's RA link, signing with the test PKI's CA
 * key), a MyProxy server (myproxy-server), an SMTP server (GreenMail), and the portal's HTTPS client.
 */
public final class CertManagerFixture implements AutoCloseable {

    public static final String PORTAL_DN = TestPki.ORGANISATION + "/CN=portal.example.org";
    public static final String VO_HOST = "voms.example.org";

    public final TestPki pki = TestPki.shared();
    public final Credential ra;
    public final Credential portal;
    public final Credential stranger;
    public final Credential acIssuer;
    public final Map<String, List<String>> memberships = new ConcurrentHashMap<>();
    public final GreenMail mail;
    public final MyProxyServer myproxy;
    public final RaLinkServer caLink;
    public final CertManagerServer server;
    public final JdbcCredentialStore store;
    public final JdbcAuditLog audit;
    public final JdbcIssueRequests requests;
    public final CertificateService certificates;
    /** The CA's database, for tests that count what the CA issued. */
    public final DataSource caData;
    /**
     * Runs on the CA's RA-link thread after the CA has taken an issuing request and before it signs: crash tests
     * hold the CA here to kill the certificate manager while it waits for the answer.
     */
    public volatile Runnable beforeCaSigns = () -> { };
    private final ChainValidator validator;
    private final Path dir;

    public CertManagerFixture(Path dir, DataSource cmData) throws Exception {
        this(dir, cmData, Clock.systemUTC());
    }

    /** With {@code clock} for the CA and the certificate manager alike (a movable one lets certificates expire). */
    public CertManagerFixture(Path dir, DataSource cmData, Clock clock) throws Exception {
        this.dir = dir;
        ra = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=cm.example.org"), List.of("cm.example.org"));
        portal = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(PORTAL_DN), List.of("portal.example.org"));
        stranger = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=stranger.example.org"),
                List.of("stranger.example.org"));
        acIssuer = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=" + VO_HOST), List.of(VO_HOST));

        caData = org.gridauth.gsi.testing.TestDatabases.h2();
        CaDatabase caDb = new CaDatabase(caData);
        JdbcAuditTrail caAudit = new JdbcAuditTrail(caDb, clock);
        JdbcCertificateStore caStore = new JdbcCertificateStore(caDb, caAudit, clock);
        CaKey caKey = new CaKey() {
            @Override
            public X509Certificate certificate() {
                return pki.ca().certificate();
            }

            @Override
            public ContentSigner signer() {
                beforeCaSigns.run();
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
        IssuanceService issuance = new IssuanceService(caKey, caPolicy, caStore, caAudit, new CertificateMaker(clock));
        CrlService crls = new CrlService(caKey, caStore, new JdbcCrlStore(caDb, caAudit), CrlSchedule.defaults(),
                Files.createDirectories(dir.resolve("ca-pub")), clock);
        RaLinkService raService = new RaLinkService(issuance, new org.gridauth.ca.service.RevocationService(caStore, crls, caAudit, clock), crls,
                caStore, new JdbcRequestLog(caDb, clock), new RaCodec());
        caLink = new RaLinkServer(new InetSocketAddress("127.0.0.1", 0), pki.host(), RaAuthorization.of(ra.certificate()), caAudit, raService, 4,
                clock);

        myproxy = new MyProxyServer(new InetSocketAddress("127.0.0.1", 0), pki.host(), pki.trustDir(),
                new org.gridauth.myproxy.store.JdbcCredentialStore(org.gridauth.gsi.testing.TestDatabases.h2()), ServerPolicy.permissive(), 10_000,
                4, clock);

        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();

        CmDatabase database = new CmDatabase(cmData);
        store = new JdbcCredentialStore(database, clock);
        audit = new JdbcAuditLog(database, clock);
        requests = new JdbcIssueRequests(database, clock);
        validator = ChainValidator.strict(pki.trustDir());
        CaLinkClient ca = new CaLinkClient(URI.create("https://" + pki.hostName() + ":" + caLink.port()), ra, List.of(pki.ca().certificate()),
                Duration.ofSeconds(20));
        MyProxyTarget target = new MyProxyTarget(pki.hostName(), myproxy.port(), new MyProxyClient(validator, Duration.ofSeconds(20)));
        IssuanceNotifier notifier = new IssuanceNotifier(new IssuanceNotifier.MailSettings("127.0.0.1", mail.getSmtp().getPort(),
                "ca@example.org", Map.of("example.ac.jp", List.of("ra-office@example.ac.jp"), "*", List.of("ca-ops@example.org")), true));
        KeyVault vault = new KeyVault();
        certificates = new CertificateService(new CertificateService.IssuanceSettings(GridDn.fromOpenSsl(TestPki.ORGANISATION + "/OU=Users"),
                "client", 2048, new PassphraseRule(12)), store, requests, audit, ca, target, Optional.of(notifier), vault, clock);
        ProxyService proxies = new ProxyService(store, audit, vault, new ProxyMaker(clock), new ProxyLifetimePolicy(Duration.ofHours(12),
                Duration.ofHours(168)), new PassphraseRule(8), hpciId -> memberships.getOrDefault(hpciId, List.of()),
                Optional.of(new AttributeAuthority(acIssuer, VO_HOST, 15000, clock)), target,
                org.gridauth.certmanager.store.JdbcPassphraseGuard.defaults(database, clock), clock);
        RevocationService revocations = new RevocationService(store, audit, ca, clock);
        server = new CertManagerServer(new InetSocketAddress("127.0.0.1", 0), pki.host(), validator, 4)
                .route("/v1/", new PortalApi(Set.of(portal.subject()), certificates, proxies, revocations, new Mappings(store, clock), audit))
                .start();
    }

    /** An HTTPS client with the given client certificate, trusting the test CA. */
    public HttpClient client(Credential as) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("me", as.privateKey(), new char[0], as.chain().toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    }

    public HttpResponse<String> post(HttpClient client, String path, String json) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://" + pki.hostName() + ":" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://" + pki.hostName() + ":" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        server.close();
        caLink.close();
        myproxy.close();
        mail.stop();
        validator.close();
    }
}
