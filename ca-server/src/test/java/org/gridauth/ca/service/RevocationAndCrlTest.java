package org.gridauth.ca.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.policy.CrlSchedule;
import org.gridauth.ca.policy.IssueOrder;
import org.gridauth.ca.policy.RevocationReason;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.CertificateStatus;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.store.JdbcCrlStore;
import org.gridauth.gsi.testing.MutableClock;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.TrustDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationAndCrlTest {

    private static final String RA = "/C=JP/O=GridAuth HSM Test/CN=ra.example.org";
    private static HsmTestCa ca;

    @TempDir
    Path dir;

    private MutableClock clock;
    private JdbcAuditTrail audit;
    private JdbcCertificateStore store;
    private IssuanceService issuance;
    private CrlService crls;
    private RevocationService revocation;
    private Path published;
    private CaDatabase database;

    @BeforeAll
    static void hsm() {
        ca = new HsmTestCa();
    }

    /** The database the suite runs on; {@link RevocationAndCrlPostgresTest} runs the same tests on PostgreSQL. */
    protected javax.sql.DataSource newDatabase() {
        return TestDatabases.h2();
    }

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(Instant.now());
        database = new CaDatabase(newDatabase());
        audit = new JdbcAuditTrail(database, clock);
        store = new JdbcCertificateStore(database, audit, clock);
        issuance = new IssuanceService(ca.key(), HsmTestCa.policy(), store, audit, new CertificateMaker(clock));
        published = Files.createDirectories(dir.resolve("repository"));
        crls = new CrlService(ca.key(), store, new JdbcCrlStore(database, audit), CrlSchedule.defaults(), published, clock);
        revocation = new RevocationService(store, crls, audit, clock);
    }

    private X509Certificate host(String name) {
        return issuance.issue(new IssueOrder(RA, "host", HsmTestCa.csr(TestPki.newKey(), HsmTestCa.ORGANISATION + "/OU=Hosts/CN=" + name,
                List.of()), null, null)).certificate();
    }

    private static BigInteger crlNumber(X509CRL crl) {
        return ASN1Integer.getInstance(ASN1OctetString.getInstance(crl.getExtensionValue(Extension.cRLNumber.getId())).getOctets()).getValue();
    }

    @Test
    @DisplayName("R-CA-5, R-CA-8: a revocation publishes at once a 30-day CRL that openssl crl -verify accepts and openssl verify -crl_check enforces")
    void revocationPublishesCrl() throws Exception {
        GridTools.require("openssl", "openssl");
        X509Certificate revoked = host("gone.example.org");
        X509Certificate kept = host("kept.example.org");
        X509CRL first = crls.ensureFresh().read();
        assertThat(crlNumber(first)).isEqualTo(1);

        revocation.revoke("HPCI office", revoked.getSerialNumber(), RevocationReason.AFFILIATION_CHANGED, "account removed");

        Path pem = published.resolve("crl.pem");
        X509CRL crl = (X509CRL) Pem.decode(Files.readAllBytes(pem), "crl.pem").crls().get(0);
        assertThat(crlNumber(crl)).isEqualTo(2);
        assertThat(Duration.between(crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant())).isEqualTo(Duration.ofDays(30));
        assertThat(crl.getRevokedCertificate(revoked.getSerialNumber())).isNotNull();
        assertThat(crl.getRevokedCertificate(kept.getSerialNumber())).isNull();
        assertThat(Files.readAllBytes(published.resolve("crl.der"))).isEqualTo(crl.getEncoded());
        assertThat(published.resolve(TrustDirectory.subjectHash(crl.getIssuerX500Principal()) + ".r0")).exists();

        Path caPem = Files.writeString(dir.resolve("ca.pem"), Pem.encode(ca.key().certificate()));
        GridTools.Result check = GridTools.run(List.of("openssl", "crl", "-in", pem.toString(), "-CAfile", caPem.toString(), "-noout", "-verify", "-text"));
        assertThat(check.exitCode()).as(check.all()).isZero();
        assertThat(check.all()).contains("verify OK").contains("Affiliation Changed")
                .contains(revoked.getSerialNumber().toString(16).toUpperCase());
        Path bundle = Files.writeString(dir.resolve("ca-and-crl.pem"), Pem.encode(ca.key().certificate()) + Files.readString(pem));
        GridTools.Result gone = GridTools.run(List.of("openssl", "verify", "-crl_check", "-CAfile", bundle.toString(),
                Files.writeString(dir.resolve("gone.pem"), Pem.encode(revoked)).toString()));
        assertThat(gone.exitCode()).isNotZero();
        assertThat(gone.all()).contains("certificate revoked");
        GridTools.Result ok = GridTools.run(List.of("openssl", "verify", "-crl_check", "-CAfile", bundle.toString(),
                Files.writeString(dir.resolve("kept.pem"), Pem.encode(kept)).toString()));
        assertThat(ok.exitCode()).as(ok.all()).isZero();

        assertThat(store.find(revoked.getSerialNumber()).orElseThrow().status()).isEqualTo(CertificateStatus.REVOKED);
        assertThat(audit.read(1, 100)).extracting(AuditRecord::type).containsExactly("ISSUE", "ISSUE", "CRL_ISSUED", "REVOKE", "CRL_ISSUED");
        assertThat(audit.verify().intact()).isTrue();
    }

    @Test
    @DisplayName("R-CA-5: the CRL is re-issued 7 days before nextUpdate and not earlier; CRL numbers only grow")
    void scheduledReissue() {
        X509CRL first = crls.ensureFresh().read();
        clock.advance(Duration.ofDays(23).minusSeconds(1));
        assertThat(crlNumber(crls.ensureFresh().read())).isEqualTo(crlNumber(first));
        clock.advance(Duration.ofSeconds(1));
        X509CRL second = crls.ensureFresh().read();
        assertThat(crlNumber(second)).isEqualTo(crlNumber(first).add(BigInteger.ONE));
        assertThat(second.getNextUpdate()).isAfter(first.getNextUpdate());
    }

    @Test
    @DisplayName("R-CA-8: revoking twice (GA-CA-022), an unknown serial (GA-CA-021) or an unknown reason (GA-CA-023) is refused and audited")
    void refusals() {
        X509Certificate certificate = host("twice.example.org");
        revocation.revoke("operator", certificate.getSerialNumber(), RevocationReason.KEY_COMPROMISE, null);
        assertThatThrownBy(() -> revocation.revoke("operator", certificate.getSerialNumber(), RevocationReason.SUPERSEDED, null))
                .hasMessageStartingWith("GA-CA-022");
        assertThatThrownBy(() -> revocation.revoke("operator", BigInteger.valueOf(424242), RevocationReason.SUPERSEDED, null))
                .hasMessageStartingWith("GA-CA-021");
        assertThatThrownBy(() -> RevocationReason.parse("bored")).hasMessageStartingWith("GA-CA-023");
        assertThat(RevocationReason.parse("keyCompromise")).isEqualTo(RevocationReason.KEY_COMPROMISE);
        assertThat(audit.read(1, 100)).extracting(AuditRecord::type)
                .containsExactly("ISSUE", "REVOKE", "CRL_ISSUED", "REVOKE_REFUSED", "REVOKE_REFUSED");
    }

    @Test
    @DisplayName("R-CA-4: after revocation (superseded) the HPCI-ID may get a new client certificate")
    void revocationFreesHpciId() {
        java.security.KeyPair key = TestPki.newKey();
        IssueOrder order = new IssueOrder(RA, "client", HsmTestCa.csr(key, HsmTestCa.ORGANISATION + "/OU=Users/CN=Hanako Sato hpci7", List.of()), "hpci7", null);
        X509Certificate first = issuance.issue(order).certificate();
        assertThatThrownBy(() -> issuance.issue(order)).hasMessageStartingWith("GA-CA-015");
        revocation.revoke("RA", first.getSerialNumber(), RevocationReason.SUPERSEDED, null);
        assertThat(issuance.issue(order).certificate().getSerialNumber()).isNotEqualTo(first.getSerialNumber());
    }

    @Test
    @DisplayName("R-CA-4: a renewal supersedes the old client certificate in the same transaction, keeps one valid certificate per HPCI-ID, and two renewals of one certificate cannot both succeed")
    void renewal() throws Exception {
        String subject = HsmTestCa.ORGANISATION + "/OU=Users/CN=Hanako Sato hpci8";
        X509Certificate old = issuance.issue(new IssueOrder(RA, "client", HsmTestCa.csr(TestPki.newKey(), subject, List.of()), "hpci8", null)).certificate();

        X509Certificate renewed = issuance.issue(new IssueOrder(RA, "client", HsmTestCa.csr(TestPki.newKey(), subject, List.of()), "hpci8", null,
                old.getSerialNumber())).certificate();

        assertThat(store.find(old.getSerialNumber()).orElseThrow().status()).isEqualTo(CertificateStatus.REVOKED);
        assertThat(store.find(old.getSerialNumber()).orElseThrow().revocationReason()).isEqualTo(RevocationReason.SUPERSEDED.code());
        assertThat(store.find(renewed.getSerialNumber()).orElseThrow().status()).isEqualTo(CertificateStatus.VALID);
        assertThatThrownBy(() -> issuance.issue(new IssueOrder(RA, "client", HsmTestCa.csr(TestPki.newKey(), subject, List.of()), "hpci8", null)))
                .hasMessageStartingWith("GA-CA-015").hasMessageContaining(renewed.getSerialNumber().toString(16));
        assertThatThrownBy(() -> issuance.issue(new IssueOrder(RA, "client", HsmTestCa.csr(TestPki.newKey(), subject, List.of()), "hpci8", null,
                old.getSerialNumber()))).hasMessageStartingWith("GA-CA-036").hasMessageContaining("revoked");
        assertThatThrownBy(() -> issuance.issue(new IssueOrder(RA, "client", HsmTestCa.csr(TestPki.newKey(),
                HsmTestCa.ORGANISATION + "/OU=Users/CN=Other Person hpci8", List.of()), "hpci8", null, renewed.getSerialNumber())))
                .hasMessageStartingWith("GA-CA-036").hasMessageContaining("subject");

        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                byte[] csr = HsmTestCa.csr(TestPki.newKey(), subject, List.of());
                results.add(pool.submit(() -> {
                    try {
                        issuance.issue(new IssueOrder(RA, "client", csr, "hpci8", null, renewed.getSerialNumber()));
                        return "renewed";
                    } catch (org.gridauth.gsi.error.GridAuthException e) {
                        return e.code().code();
                    }
                }));
            }
            List<String> outcomes = new java.util.ArrayList<>();
            for (var result : results) {
                outcomes.add(result.get());
            }
            assertThat(outcomes).containsExactlyInAnyOrder("renewed", "GA-CA-036");
        } finally {
            pool.shutdownNow();
        }
        assertThat(audit.verify().intact()).isTrue();
    }

    @Test
    @DisplayName("R-CA-5: a revocation whose immediate CRL did not happen is caught up by the next ensureFresh, long before the 7-day margin")
    void revocationCatchUp() throws Exception {
        CrlService quiet = new CrlService(ca.key(), store, new JdbcCrlStore(database, audit), new CrlSchedule(Duration.ofDays(30), Duration.ofDays(7), false),
                published, clock);
        RevocationService revoker = new RevocationService(store, quiet, audit, clock);
        X509CRL first = quiet.ensureFresh().read();
        assertThat(quiet.ensureFresh().read().getEncoded()).isEqualTo(first.getEncoded());
        X509Certificate certificate = host("late.example.org");
        clock.advance(Duration.ofSeconds(2));
        revoker.revoke("operator", certificate.getSerialNumber(), RevocationReason.CESSATION_OF_OPERATION, null);
        assertThat(crlNumber(quiet.ensureFresh().read())).isEqualTo(crlNumber(first).add(BigInteger.ONE));
        assertThat(quiet.ensureFresh().read().getRevokedCertificate(certificate.getSerialNumber())).isNotNull();
        clock.advance(Duration.ofHours(1));
        assertThat(crlNumber(quiet.ensureFresh().read())).isEqualTo(crlNumber(first).add(BigInteger.ONE));
    }

    @Test
    @DisplayName("R-CA-5: the published files are the CRL: the database keeps number, dates, count and SHA-256 but no blob; a published file that is not the newest CRL is replaced at the next check")
    void filesAreTheArtefact() throws Exception {
        Path stale = Files.writeString(published.resolve(".crl.der.12345.tmp"), "left by a crashed CA");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(clock.instant().minus(Duration.ofHours(2))));
        Path fresh = Files.writeString(published.resolve(".crl.pem.67890.tmp"), "another CA process is writing this");
        X509Certificate gone = host("files.example.org");
        revocation.revoke("operator", gone.getSerialNumber(), RevocationReason.KEY_COMPROMISE, null);
        CrlService.PublishedCrl crl = crls.ensureFresh();
        byte[] der = Files.readAllBytes(published.resolve("crl.der"));
        assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(der))).isEqualTo(crl.sha256());
        assertThat(crl.revokedCount()).isEqualTo(1);
        assertThat(((X509CRL) Pem.decode(Files.readAllBytes(published.resolve("crl.pem")), "crl.pem").crls().get(0)).getEncoded()).isEqualTo(der);
        assertThat(Files.readAllBytes(published.resolve(TrustDirectory.subjectHash(ca.key().certificate().getSubjectX500Principal()) + ".r0")))
                .isEqualTo(Files.readAllBytes(published.resolve("crl.pem")));
        assertThat(Files.getPosixFilePermissions(published.resolve("crl.der"))).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
        try (var files = Files.list(published)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).containsExactly(fresh.getFileName().toString());
        }
        database.inTransaction(c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT crl_der, crl_sha256 FROM ca_crl WHERE crl_number = " + crl.number())) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBytes(1)).isNull();
                assertThat(rs.getString(2)).isEqualTo(crl.sha256());
            }
            return null;
        });

        // An older CRL put back (a restored backup, a crash between recording and publishing): the next check replaces it.
        assertThat(crls.issueNow("operator", "test").number()).isEqualTo(crl.number().add(BigInteger.ONE));
        Files.write(published.resolve("crl.der"), der);
        CrlService.PublishedCrl again = crls.ensureFresh();
        assertThat(again.number()).isGreaterThan(crl.number().add(BigInteger.ONE));
        assertThat(again.read().getRevokedCertificate(gone.getSerialNumber())).isNotNull();
        assertThat(crls.ensureFresh().number()).isEqualTo(again.number());
    }
}
