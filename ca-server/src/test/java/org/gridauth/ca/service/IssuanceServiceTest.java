package org.gridauth.ca.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.crypto.RsaVerification;
import org.gridauth.ca.policy.CertificateLint;
import org.gridauth.ca.policy.IssueOrder;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.CertificateStatus;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.token.CaKey;
import org.bouncycastle.operator.ContentSigner;
import org.gridauth.gsi.testing.MutableClock;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.testing.ByteSearch;
import org.gridauth.gsi.testing.TestSigners;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.IgtfInfo;
import org.gridauth.gsi.trust.TrustDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IssuanceServiceTest {

    private static final String RA = "/C=JP/O=GridAuth HSM Test/CN=ra.example.org";
    private static HsmTestCa ca;
    private static KeyPair userKey;

    @TempDir
    Path dir;

    private DataSource dataSource;
    private JdbcAuditTrail audit;
    private JdbcCertificateStore store;
    private MutableClock clock;
    private IssuanceService service;

    @BeforeAll
    static void hsm() {
        ca = new HsmTestCa();
        userKey = TestPki.newKey();
    }

    /** The database the suite runs on; {@link IssuanceServicePostgresTest} runs the same tests on PostgreSQL. */
    protected DataSource newDatabase() {
        return TestDatabases.h2();
    }

    @BeforeEach
    void database() {
        dataSource = newDatabase();
        clock = new MutableClock(Instant.now());
        CaDatabase database = new CaDatabase(dataSource);
        audit = new JdbcAuditTrail(database, clock);
        store = new JdbcCertificateStore(database, audit, clock);
        // As CaRuntime wires it: the issuer's signatures checked natively where the library loads.
        service = new IssuanceService(ca.key(), HsmTestCa.policy(), store, audit,
                new CertificateMaker(clock, new java.security.SecureRandom(), RsaVerification.preferNative()));
    }

    private IssuedCertificate client(String hpciId) {
        return service.issue(new IssueOrder(RA, "client", HsmTestCa.csr(userKey, HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada " + hpciId, List.of()),
                hpciId, null));
    }

    private Path write(String name, Object... objects) throws Exception {
        return Files.writeString(dir.resolve(name), Pem.encode(objects));
    }

    @Test
    @DisplayName("R-CA-1, R-CA-3: client, host and service certificates signed by the HSM key pass openssl verify -x509_strict and the MICS lint")
    void threeKinds() throws Exception {
        GridTools.require("openssl", "openssl");
        X509Certificate client = client("hpci000001").certificate();
        X509Certificate host = service.issue(new IssueOrder(RA, "host", HsmTestCa.csr(TestPki.newKey(),
                HsmTestCa.ORGANISATION + "/OU=Hosts/CN=grid01.example.org", List.of("grid01.example.org", "login.example.org")), null, null)).certificate();
        X509Certificate svc = service.issue(new IssueOrder(RA, "service", HsmTestCa.csr(TestPki.newKey(),
                HsmTestCa.ORGANISATION + "/OU=Services/CN=ldap/ldap.example.org", List.of()), null, 90)).certificate();

        Path root = write("ca.pem", ca.key().certificate());
        for (X509Certificate certificate : List.of(client, host, svc)) {
            assertThat(new CertificateLint().check(certificate)).as(certificate.getSubjectX500Principal().toString()).isEmpty();
            Path file = write("cert.pem", certificate);
            GridTools.Result verify = GridTools.run(List.of("openssl", "verify", "-x509_strict", "-CAfile", root.toString(), file.toString()));
            assertThat(verify.exitCode()).as(verify.all()).isZero();
            assertThat(certificate.getSerialNumber().bitLength()).isGreaterThanOrEqualTo(64);
            assertThat(new String(certificate.getExtensionValue(Extension.cRLDistributionPoints.getId()))).contains("http://ca.example.org/crl.der");
            assertThat(new String(certificate.getExtensionValue(Extension.authorityInfoAccess.getId())))
                    .contains("http://ca.example.org/ocsp").contains("http://ca.example.org/ca.der");
            assertThat(store.find(certificate.getSerialNumber()).orElseThrow().status()).isEqualTo(CertificateStatus.VALID);
            assertThat(store.find(certificate.getSerialNumber()).orElseThrow().certificate()).isEqualTo(certificate);
        }
        GridTools.Result text = GridTools.run(List.of("openssl", "x509", "-in", write("host.pem", host).toString(), "-noout", "-text"));
        assertThat(text.stdout()).contains("DNS:grid01.example.org, DNS:login.example.org").contains("TLS Web Server Authentication")
                .contains("Policy: " + HsmTestCa.POLICY_OID).contains("Digital Signature, Key Encipherment");
        assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(client.getSubjectAlternativeNames()).isNull();
        assertThat(Duration.between(client.getNotBefore().toInstant(), client.getNotAfter().toInstant()).toDays()).isBetween(393L, 397L);
        assertThat(Duration.between(svc.getNotBefore().toInstant(), svc.getNotAfter().toInstant()).toDays()).isEqualTo(90);
        assertThat(audit.read(1, 100)).extracting(AuditRecord::type).containsExactly("ISSUE", "ISSUE", "ISSUE");
        assertThat(audit.verify().intact()).isTrue();
    }

    @Test
    @DisplayName("R-CA-3: grid-cert-diagnostics accepts a host certificate from the HSM CA with the CA's trust directory")
    void gridCertDiagnostics() throws Exception {
        GridTools.require("grid-cert-diagnostics", "globus-gsi-cert-utils-progs");
        X509Certificate host = service.issue(new IssueOrder(RA, "host", HsmTestCa.csr(TestPki.newKey(),
                HsmTestCa.ORGANISATION + "/OU=Hosts/CN=grid02.example.org", List.of()), null, null)).certificate();
        Path trust = dir.resolve("certificates");
        new TrustDirectory(trust).install(ca.key().certificate(), HsmTestCa.namespace(), new IgtfInfo("gridauth-hsm-test",
                null, null, "ca@example.org", "experimental", "1"));
        Path file = write("hostcert.pem", host);
        Path gridmap = Files.writeString(dir.resolve("grid-mapfile"), "");
        GridTools.Result result = GridTools.run(List.of("grid-cert-diagnostics", "-c", file.toString(), "-H", "grid02.example.org"),
                Map.of("X509_CERT_DIR", trust.toString(), "GRIDMAP", gridmap.toString()), null, Duration.ofSeconds(60));
        String checks = result.stdout().substring(result.stdout().indexOf("Checking CA file"));
        assertThat(checks).as(result.all()).doesNotContain("failed");
        assertThat(result.stdout()).contains("ok");
    }

    @Test
    @DisplayName("R-CA-3: an OpenSSL-made host request (openssl req -addext subjectAltName) is accepted")
    void opensslRequest() throws Exception {
        GridTools.require("openssl", "openssl");
        Path key = dir.resolve("key.pem");
        Path csr = dir.resolve("req.pem");
        GridTools.Result req = GridTools.run(List.of("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", csr.toString(), "-subj", HsmTestCa.ORGANISATION + "/OU=Hosts/CN=grid03.example.org",
                "-addext", "subjectAltName=DNS:grid03.example.org"));
        assertThat(req.exitCode()).as(req.all()).isZero();
        X509Certificate host = service.issue(new IssueOrder(RA, "host", Files.readAllBytes(csr), null, null)).certificate();
        assertThat(host.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList()).containsExactly("grid03.example.org");
    }

    @Test
    @DisplayName("R-CA-1: in a batch, a certificate whose token signature does not verify is never issued and its serial is abandoned; the others are issued")
    void batchWithOneFaultySignature() {
        byte[] marker = "Hanako Faulty".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        CaKey faulty = new CaKey() {
            @Override
            public X509Certificate certificate() {
                return ca.key().certificate();
            }

            @Override
            public ContentSigner signer() {
                // What a CRT fault in the token would hand back, for one subject only.
                return TestSigners.changing(ca.key().signer(),
                        (signed, signature) -> ByteSearch.indexOf(signed, marker) >= 0 ? TestSigners.faulted(signature) : signature);
            }

            @Override
            public String description() {
                return "token with a fault for one subject";
            }
        };
        IssuanceService withFault = new IssuanceService(faulty, HsmTestCa.policy(), store, audit,
                new CertificateMaker(clock, new java.security.SecureRandom(), RsaVerification.preferNative()));
        List<IssueOrder> orders = List.of(
                new IssueOrder(RA, "client", HsmTestCa.csr(userKey, HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada hpci000101", List.of()), "hpci000101", null),
                new IssueOrder(RA, "client", HsmTestCa.csr(userKey, HsmTestCa.ORGANISATION + "/OU=Users/CN=Hanako Faulty hpci000102", List.of()), "hpci000102", null),
                new IssueOrder(RA, "client", HsmTestCa.csr(userKey, HsmTestCa.ORGANISATION + "/OU=Users/CN=Jiro Suzuki hpci000103", List.of()), "hpci000103", null));

        List<IssuanceService.Outcome> outcomes = withFault.issueBatch(orders);

        assertThat(outcomes.get(0).issued()).isNotNull();
        assertThat(outcomes.get(2).issued()).isNotNull();
        assertThat(outcomes.get(1).issued()).isNull();
        assertThat(outcomes.get(1).error().getMessage()).startsWith("GA-CA-026").contains("does not verify");
        for (int i : new int[] {0, 2}) {
            X509Certificate issued = outcomes.get(i).issued().certificate();
            assertThat(store.find(issued.getSerialNumber()).orElseThrow().status()).isEqualTo(CertificateStatus.VALID);
        }
        // The faulty one's serial was reserved, then abandoned and audited; no certificate was recorded for it.
        List<AuditRecord> failed = audit.read(1, 100).stream().filter(r -> r.type().equals("ISSUE_FAILED")).toList();
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).subject()).contains("Hanako Faulty");
        java.util.regex.Matcher serialText = java.util.regex.Pattern.compile("serial=([0-9A-Fa-f]+)").matcher(failed.get(0).details());
        assertThat(serialText.find()).isTrue();
        java.math.BigInteger serial = new java.math.BigInteger(serialText.group(1), 16);
        assertThat(outcomes.get(1).error().getMessage()).contains(serialText.group(1));
        assertThat(store.find(serial).orElseThrow().status()).isEqualTo(CertificateStatus.ABANDONED);
    }


    @Test
    @DisplayName("R-CA-4: one valid client certificate per HPCI-ID; a new one is possible once the old one has expired")
    void oneClientCertificatePerHpciId() {
        X509Certificate first = client("hpci000002").certificate();
        assertThatThrownBy(() -> client("hpci000002")).isInstanceOf(GridAuthException.class)
                .hasMessageStartingWith("GA-CA-015").hasMessageContaining(JdbcCertificateStore.hex(first.getSerialNumber()));
        assertThat(client("hpci000003").certificate()).isNotNull();

        clock.advance(Duration.between(clock.instant(), first.getNotAfter().toInstant()).plusSeconds(1));
        assertThat(client("hpci000002").certificate().getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(audit.read(1, 100)).extracting(AuditRecord::type).containsExactly("ISSUE", "ISSUE_REFUSED", "ISSUE", "ISSUE");
    }

    @Test
    @DisplayName("R-CA-3: bad requests (malformed, bad self-signature, weak key, forbidden extension, outside the namespace, wrong CN, too long) each give their GA-CA error and an audit record, and nothing is issued")
    void badRequests() throws Exception {
        KeyPairGenerator weak = KeyPairGenerator.getInstance("RSA");
        weak.initialize(1024);
        byte[] good = HsmTestCa.csr(userKey, HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada hpci000004", List.of());
        byte[] tampered = good.clone();
        tampered[tampered.length - 5] ^= 0x01;
        Map<String, IssueOrder> cases = new java.util.LinkedHashMap<>();
        cases.put("GA-CA-010", new IssueOrder(RA, "client", "not a request".getBytes(), "hpci000004", null));
        cases.put("GA-CA-011", new IssueOrder(RA, "client", tampered, "hpci000004", null));
        cases.put("GA-CA-012", new IssueOrder(RA, "client", HsmTestCa.csr(weak.generateKeyPair(),
                HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada hpci000004", List.of()), "hpci000004", null));
        cases.put("GA-CA-013", new IssueOrder(RA, "client", HsmTestCa.csr(userKey, HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada hpci000004",
                List.of(), new Extension(Extension.basicConstraints, true, new BasicConstraints(true).getEncoded())), "hpci000004", null));
        cases.put("GA-CA-014", new IssueOrder(RA, "client", HsmTestCa.csr(userKey, "/C=JP/O=Elsewhere/CN=Taro Yamada hpci000004", List.of()),
                "hpci000004", null));
        cases.put("GA-CA-018", new IssueOrder(RA, "client", HsmTestCa.csr(userKey, HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada hpci999999",
                List.of()), "hpci000004", null));
        cases.put("GA-CA-016", new IssueOrder(RA, "client", good, "hpci000004", 400));
        cases.put("GA-CA-017", new IssueOrder(RA, "admin", good, "hpci000004", null));
        for (Map.Entry<String, IssueOrder> c : cases.entrySet()) {
            assertThatThrownBy(() -> service.issue(c.getValue())).as(c.getKey()).isInstanceOf(GridAuthException.class)
                    .hasMessageStartingWith(c.getKey());
        }
        List<AuditRecord> records = audit.read(1, 100);
        assertThat(records).hasSize(cases.size()).allSatisfy(r -> assertThat(r.type()).isEqualTo("ISSUE_REFUSED"));
        assertThat(records).extracting(r -> r.details().replaceAll(".*code=(GA-CA-\\d+).*", "$1")).containsExactlyElementsOf(cases.keySet());
        assertThat(count("SELECT COUNT(*) FROM ca_certificate")).isZero();
    }

    @Test
    @DisplayName("R-CA-9: with the database down the caller gets GA-CA-020 and the CA signs nothing")
    void databaseDown() throws Exception {
        DataSource h2 = TestDatabases.h2();
        CaDatabase database = new CaDatabase(h2);
        JdbcAuditTrail trail = new JdbcAuditTrail(database, clock);
        IssuanceService down = new IssuanceService(ca.key(), HsmTestCa.policy(), new JdbcCertificateStore(database, trail, clock), trail,
                new CertificateMaker(clock));
        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        }
        assertThatThrownBy(() -> down.issue(new IssueOrder(RA, "client", HsmTestCa.csr(userKey,
                HsmTestCa.ORGANISATION + "/OU=Users/CN=Taro Yamada hpci000005", List.of()), "hpci000005", null)))
                .isInstanceOf(GridAuthException.class).hasMessageStartingWith("GA-CA-020");
    }

    @Test
    @DisplayName("R-CA-3: the lint rejects what MICS forbids (SHA-1 signature, non-critical keyUsage, missing CRL DP and policies)")
    void lintFindsProblems() throws Exception {
        KeyPair key = TestPki.newKey();
        org.bouncycastle.cert.X509v3CertificateBuilder builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                TestPki.CA_DN.toX500Name(), java.math.BigInteger.valueOf(12345), new java.util.Date(), new java.util.Date(System.currentTimeMillis() + 86_400_000L * 800),
                TestPki.CA_DN.toX500Name(), key.getPublic());
        builder.addExtension(Extension.keyUsage, false, new org.bouncycastle.asn1.x509.KeyUsage(org.bouncycastle.asn1.x509.KeyUsage.digitalSignature));
        X509Certificate bad = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA1withRSA").build(key.getPrivate())));
        assertThat(new CertificateLint().check(bad)).anyMatch(f -> f.contains("SHA-1")).anyMatch(f -> f.contains("keyUsage is not critical"))
                .anyMatch(f -> f.contains("64 bits")).anyMatch(f -> f.contains("basicConstraints is missing"))
                .anyMatch(f -> f.contains("CRL distribution point")).anyMatch(f -> f.contains("certificatePolicies"))
                .anyMatch(f -> f.contains("13 months"));
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
