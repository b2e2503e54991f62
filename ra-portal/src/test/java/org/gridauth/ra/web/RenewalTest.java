package org.gridauth.ra.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.security.cert.CRLReason;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.gridauth.ca.store.CertificateRecord;
import org.gridauth.ca.store.CertificateStatus;
import org.gridauth.certmanager.feed.FeedCursor;
import org.gridauth.certmanager.feed.FeedEntry;
import org.gridauth.certmanager.feed.FeedStore;
import org.gridauth.certmanager.registry.AccessStatus;
import org.gridauth.certmanager.registry.RegistryImporter;
import org.gridauth.certmanager.registry.RegistryKind;
import org.gridauth.certmanager.registry.RegistrySource;
import org.gridauth.ra.protocol.CertManagerClient;
import org.gridauth.ra.protocol.CertManagerMessages.MappingReply;
import org.gridauth.ra.store.AccessLogStore;
import org.gridauth.ra.testing.Testbed;
import org.gridauth.ra.testing.WebClient;
import org.gridauth.ra.testing.WebClient.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Renewal near expiry (R-CA-4, R-RA-2, R-RA-3, R-CM-1, R-CM-3, R-CM-4): one valid client certificate per HPCI-ID, a second
 * one only as the renewal of the first within the renewal window (30 days, the portal's default) before its end of
 * validity. The testbed's clock (portal, CA, certificate manager) is moved to reach the window and put back after.
 */
class RenewalTest {

    private static final String HPCI_ID = "hpci100036";
    private static final Duration WINDOW = Duration.ofDays(30);
    private static final String SITE = "site-renewal";

    private final Testbed testbed = Testbed.get();

    private List<MappingReply> certificates() {
        return testbed.bean(CertManagerClient.class).mappings(HPCI_ID);
    }

    private MappingReply certificate(String serial) {
        return certificates().stream().filter(m -> m.serial().equalsIgnoreCase(serial)).findFirst().orElseThrow();
    }

    private CertificateRecord atTheCa(String serial) {
        return testbed.peers.caStore.find(new BigInteger(serial, 16)).orElseThrow();
    }

    /**
     * The HPCI office registries in the certificate manager: the researcher is a member of a project (running well
     * past the renewal) on a resource of {@link #SITE}, so the site's grid-mapfile feed carries their certificate.
     */
    private void registries() throws Exception {
        java.nio.file.Path dir = Files.createTempDirectory(testbed.dir, "registries");
        new RegistryImporter(testbed.peers.cmDatabase, testbed.clock, RegistryImporter.DEFAULT_ZONE).importRegistries(Map.of(
                RegistryKind.RESEARCHERS, RegistrySource.file(Files.writeString(dir.resolve("researchers.csv"),
                        "hpci_id,eppn,given_name,family_name,email,status\n" + HPCI_ID + ",r36@hpci.example.jp,Given,Family,r36@hpci.example.jp,active\n")),
                RegistryKind.PROJECTS, RegistrySource.file(Files.writeString(dir.resolve("projects.csv"),
                        "project_id,name,vo,start,end,hpci_id,group,role\nRN1,Renewal project,hpci.jp,2020-04-01,2099-03-31," + HPCI_ID + ",,\n")),
                RegistryKind.RESOURCES, RegistrySource.file(Files.writeString(dir.resolve("resources.csv"),
                        "resource_id,site_id,name,project_id,site_host_dn\nres-renewal," + SITE + ",Renewal cluster,RN1,"
                                + org.gridauth.gsi.testing.TestPki.ORGANISATION + "/CN=renewal-site.example.org\n"))), "operator:test");
    }

    /** The site's feed entries of the researcher: all valid ones ({@code since} null) or the changes since a cursor. */
    private List<FeedEntry> feed(FeedCursor since) throws Exception {
        List<FeedEntry> entries = new ArrayList<>();
        try (FeedStore.Snapshot snapshot = new FeedStore(testbed.peers.cmData, testbed.clock).open(SITE)) {
            if (since == null) {
                snapshot.full(entries::add);
            } else {
                snapshot.changesSince(since, entries::add);
            }
        }
        return entries.stream().filter(e -> e.hpciId().equals(HPCI_ID)).toList();
    }

    private FeedCursor feedCursor() {
        try (FeedStore.Snapshot snapshot = new FeedStore(testbed.peers.cmData, testbed.clock).open(SITE)) {
            return snapshot.cursor();
        }
    }

    private X509CRL publishedCrl() throws Exception {
        try (InputStream in = Files.newInputStream(testbed.peers.caPublished.resolve("crl.der"))) {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
        }
    }

    @Test
    @DisplayName("R-CA-4, R-RA-2, R-RA-3, R-CM-1, R-CM-3: a second certificate is refused outside the renewal window with the date it opens; "
            + "near expiry the home page offers the renewal, the new certificate (new serial, fresh validity) supersedes the old one at the CA, "
            + "on its CRL, in the certificate manager and in the sites' grid-mapfile feed, and the window closes again")
    void renewalNearExpiry() throws Exception {
        registries();
        WebClient browser = testbed.browser();
        browser.signIn("r36", ResearcherFlowTest.PASSWORD);
        Page first = CertificateTest.issue(browser, CertificateTest.confirm(browser, "STORE"));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        String oldSerial = first.text("serial");
        assertThat(first.text("superseded")).as("a first certificate replaces nothing").isNull();
        Instant oldNotAfter = Instant.parse(certificate(oldSerial).notAfter());
        Instant opensAt = oldNotAfter.minus(WINDOW);
        assertThat(feed(null)).as("the site's grid-mapfile feed").singleElement().satisfies(e -> assertThat(e.serial()).isEqualToIgnoringCase(oldSerial));
        FeedCursor beforeRenewal = feedCursor();

        // Outside the window: the home page says from when, and a license ID (so a second certificate) is refused.
        Page home = browser.get("/");
        assertThat(home.text("renewal-open")).isNull();
        assertThat(home.text("renewal-later")).contains(oldSerial).contains(opensAt.toString());
        Page refused = LicenseTest.obtain(browser);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body()).contains("GA-RA-006").contains(oldSerial).contains(opensAt.toString());

        try {
            testbed.clock.set(oldNotAfter.minus(Duration.ofDays(20)));
            Instant renewedAround = testbed.clock.instant();

            Page offer = browser.get("/");
            assertThat(offer.text("renewal-open")).as("near expiry the home page offers the renewal").contains(oldSerial);
            assertThat(offer.href("go-renew")).endsWith("/license");
            Page license = LicenseTest.obtain(browser);
            assertThat(license.status()).as(license.body()).isEqualTo(200);
            assertThat(license.text("license-renews")).contains(oldSerial);
            String licenseId = license.text("license-id");

            // The window is checked again when the license ID is used: one held from before does not bypass it.
            testbed.clock.reset();
            Page early = browser.submit(browser.get("/certificate"), "/certificate/check", Map.of("licenseId", licenseId, "destination", "STORE"));
            assertThat(early.status()).isEqualTo(409);
            assertThat(early.body()).contains("GA-RA-006").contains(oldSerial);
            testbed.clock.set(renewedAround);

            Page confirm = browser.submit(browser.get("/certificate"), "/certificate/check", Map.of("licenseId", licenseId, "destination", "STORE"));
            assertThat(confirm.status()).as(confirm.body()).isEqualTo(200);
            assertThat(confirm.text("renews")).as("the confirmation page says it is a renewal").contains(oldSerial);
            Page renewed = CertificateTest.issue(browser, confirm);
            assertThat(renewed.status()).as(renewed.body()).isEqualTo(200);
            String newSerial = renewed.text("serial");
            assertThat(newSerial).isNotBlank().isNotEqualToIgnoringCase(oldSerial);
            assertThat(renewed.text("superseded")).contains(oldSerial);

            // The certificate manager (mapping information, R-CM-3): the new certificate valid, the old one superseded.
            MappingReply fresh = certificate(newSerial);
            assertThat(fresh.status()).isEqualTo("VALID");
            assertThat(fresh.subject()).isEqualTo(certificate(oldSerial).subject());
            assertThat(Instant.parse(fresh.notBefore())).as("validity starts at the renewal").isBetween(renewedAround.minus(Duration.ofHours(1)),
                    renewedAround.plus(Duration.ofMinutes(5)));
            assertThat(Instant.parse(fresh.notAfter())).as("a full new validity, not the rest of the old one").isAfter(oldNotAfter.plus(Duration.ofDays(300)));
            assertThat(certificate(oldSerial).status()).isEqualTo("SUPERSEDED");
            assertThat(certificates()).filteredOn(MappingReply::valid).extracting(MappingReply::serial).containsExactly(newSerial);

            // The site's grid-mapfile feed: its next sync replaces the old certificate by the new one (same subject DN).
            assertThat(feed(beforeRenewal)).extracting(e -> e.serial().toLowerCase(java.util.Locale.ROOT) + " " + e.status())
                    .containsExactlyInAnyOrder(oldSerial.toLowerCase(java.util.Locale.ROOT) + " " + AccessStatus.SUPERSEDED,
                            newSerial.toLowerCase(java.util.Locale.ROOT) + " " + AccessStatus.VALID);
            assertThat(feed(null)).singleElement().satisfies(e -> {
                assertThat(e.serial()).isEqualToIgnoringCase(newSerial);
                assertThat(e.subjectDn()).isEqualTo(fresh.subject());
            });

            // The CA: the old certificate revoked with reason superseded, on the CRL; the new one valid and not on it.
            CertificateRecord old = atTheCa(oldSerial);
            assertThat(old.status()).isEqualTo(CertificateStatus.REVOKED);
            assertThat(old.revocationReason()).isEqualTo(CRLReason.SUPERSEDED.ordinal());
            assertThat(atTheCa(newSerial).status()).isEqualTo(CertificateStatus.VALID);
            X509CRL crl = publishedCrl();
            X509CRLEntry entry = crl.getRevokedCertificate(new BigInteger(oldSerial, 16));
            assertThat(entry).as("the old certificate is on the CA's CRL").isNotNull();
            assertThat(entry.getRevocationReason()).isEqualTo(CRLReason.SUPERSEDED);
            assertThat(crl.getRevokedCertificate(new BigInteger(newSerial, 16))).isNull();

            // The access log (R-RA-9) says it was a renewal; the home page shows the new certificate and the window closed.
            assertThat(testbed.bean(AccessLogStore.class).search(new AccessLogStore.Filter(HPCI_ID, null, "CERT_ISSUE", "OK", null, null), 5))
                    .anySatisfy(r -> assertThat(r.detail()).contains("renewal").contains(oldSerial));
            Page after = browser.get("/");
            assertThat(after.text("renewal-open")).isNull();
            assertThat(after.text("renewal-later")).contains(newSerial);
            Page again = LicenseTest.obtain(browser);
            assertThat(again.status()).as("no second renewal right after the first").isEqualTo(409);
            assertThat(again.body()).contains("GA-RA-006").contains(newSerial);
        } finally {
            testbed.clock.reset();
        }
    }
}
