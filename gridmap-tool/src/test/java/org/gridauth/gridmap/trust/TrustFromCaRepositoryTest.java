package org.gridauth.gridmap.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.gridauth.ca.policy.CrlSchedule;
import org.gridauth.ca.server.RepositoryServer;
import org.gridauth.ca.service.CrlService;
import org.gridauth.ca.service.OcspResponder;
import org.gridauth.ca.service.OcspSigners;
import org.gridauth.ca.service.RepositoryContent;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.store.JdbcCrlStore;
import org.gridauth.ca.token.SoftwareCaKey;
import org.gridauth.gridmap.cli.ExitCode;
import org.gridauth.gridmap.cli.GridmapCommand;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsi.trust.IgtfInfo;
import org.gridauth.gsi.trust.NamespacePolicy;
import org.gridauth.gsi.trust.TrustDirectory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gridmap trust and gridmap crl against the real CA repository of ca-server (R-CA-6, R-RS-3): the operator reads the
 * fingerprint from the repository over HTTPS, gridmap trust installs the bundle served over plain HTTP only if it
 * matches, and gridmap crl then keeps the CA's CRL current from the URL the bundle installed. The CA's key is a
 * software key here (SoftHSM is the CA module's own tests' business); repository, CRL service and stores are
 * ca-server's.
 */
class TrustFromCaRepositoryTest {

    @TempDir
    Path dir;

    private final TestPki pki = TestPki.shared();

    record Run(ExitCode code, String out, String err) {
    }

    private static Run gridmap(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExitCode code = new GridmapCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), Clock.systemUTC()).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    @DisplayName("R-CA-6, R-RS-3: the fingerprint from the repository's HTTPS page admits its trust bundle; gridmap crl then refreshes the CRL; a wrong fingerprint installs nothing")
    void trustThenCrlFromTheRepository() throws Exception {
        Clock clock = Clock.systemUTC();
        Path p12 = dir.resolve("ca.p12");
        CredentialFiles.writePkcs12(p12, pki.ca(), "ca-passphrase".toCharArray(), "ca");
        SoftwareCaKey caKey = SoftwareCaKey.load(p12, "ca-passphrase".toCharArray());
        CaDatabase database = new CaDatabase(TestDatabases.h2());
        JdbcAuditTrail audit = new JdbcAuditTrail(database, clock);
        JdbcCertificateStore store = new JdbcCertificateStore(database, audit, clock);
        Path publish = Files.createDirectories(dir.resolve("publish"));
        CrlService crls = new CrlService(caKey, store, new JdbcCrlStore(database, audit), CrlSchedule.defaults(), publish, clock);
        crls.issueNow("operator", "first CRL");
        // The CRL URL goes into the bundle's .crl_url, so the ports are chosen before the repository starts.
        int httpPort = freePort();
        int httpsPort = freePort();
        String http = "http://127.0.0.1:" + httpPort;
        RepositoryContent content = new RepositoryContent(pki.ca().certificate(), NamespacePolicy.below(TestPki.CA_DN, TestPki.ORGANISATION),
                new IgtfInfo("gridauth-test", URI.create(http + "/"), URI.create(http + "/crl.pem"), "ca@example.org", "experimental", "1"), publish,
                null, clock);
        OcspResponder ocsp = new OcspResponder(pki.ca().certificate(), OcspSigners.issue(caKey, new CertificateMaker(clock), store,
                GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=OCSP Responder")), store, clock, Duration.ofHours(1));
        try (RepositoryServer repository = new RepositoryServer(new InetSocketAddress("127.0.0.1", httpPort), new InetSocketAddress("127.0.0.1", httpsPort),
                pki.host(), content, ocsp, 2)) {
            // The operator's step: the fingerprint from the HTTPS page (the site already trusts the TLS server's CA).
            HttpClient client = HttpClient.newBuilder().sslContext(TestPki.anonymousClientTls(pki.ca().certificate())).build();
            String page = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + "/fingerprints")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String fingerprint = page.lines().filter(l -> l.startsWith("sha256 Fingerprint=")).findFirst().orElseThrow()
                    .substring("sha256 Fingerprint=".length());
            assertThat(fingerprint).isEqualTo(IgtfInfo.fingerprint(pki.ca().certificate(), "SHA-256"));

            // A wrong fingerprint (another CA's) installs nothing.
            Path target = dir.resolve("certificates");
            String other = IgtfInfo.fingerprint(TestPki.create(dir.resolve("other")).ca().certificate(), "SHA-256");
            Run refused = gridmap("trust", "--repository", http + "/", "--fingerprint", other, "--dir", target.toString());
            assertThat(refused.code()).isEqualTo(ExitCode.FAILED);
            assertThat(refused.err()).contains("GA-GM-008");
            assertThat(target).doesNotExist();

            Run trusted = gridmap("trust", "--repository", http + "/", "--fingerprint", fingerprint, "--dir", target.toString());
            assertThat(trusted.code()).as(trusted.err()).isEqualTo(ExitCode.OK);
            String hash = TrustDirectory.subjectHash(pki.ca().certificate().getSubjectX500Principal());
            assertThat(Files.readString(target.resolve(hash + ".crl_url"))).contains(http + "/crl.pem");
            try (ChainValidator validator = ChainValidator.strict(target)) {
                validator.validateOrThrow(pki.user().chain());
            }
            long installedNumber = crlNumber(target.resolve(hash + ".r0"));

            // The CA publishes a newer CRL; gridmap crl fetches it from the URL the bundle installed.
            crls.issueNow("operator", "second CRL");
            Run crl = gridmap("crl", "--dir", target.toString());
            assertThat(crl.code()).as(crl.out() + crl.err()).isEqualTo(ExitCode.OK);
            assertThat(crl.out()).contains(hash);
            assertThat(crlNumber(target.resolve(hash + ".r0"))).isGreaterThan(installedNumber);
        }
    }

    private static long crlNumber(Path file) throws Exception {
        try (var in = Files.newInputStream(file)) {
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
            byte[] ext = crl.getExtensionValue("2.5.29.20");
            return org.bouncycastle.asn1.ASN1Integer.getInstance(org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets())
                    .getValue().longValueExact();
        }
    }
}
