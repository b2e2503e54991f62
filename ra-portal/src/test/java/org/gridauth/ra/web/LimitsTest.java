package org.gridauth.ra.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;

import org.gridauth.ra.service.PortalSettings;
import org.gridauth.ra.service.SettingsService;
import org.gridauth.ra.store.LicenseStore;
import org.gridauth.ra.testing.Testbed;
import org.gridauth.ra.testing.WebClient;
import org.gridauth.ra.testing.WebClient.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The limits around license IDs and certificates (R-RA-2, R-RA-4, R-RA-7) that the other tests do not reach. */
class LimitsTest {

    static final String PASSWORD = ResearcherFlowTest.PASSWORD;

    private final Testbed testbed = Testbed.get();

    @Test
    @DisplayName("R-RA-2: the total number of license IDs a person may obtain is capped (3 in the testbed); the next is refused with GA-RA-007 naming the limit")
    void totalLimit() {
        WebClient browser = testbed.browser();
        browser.signIn("r28", PASSWORD);
        for (int round = 1; round <= 3; round++) {
            Page issued = CertificateTest.issue(browser, CertificateTest.confirm(browser, "STORE"));
            assertThat(issued.status()).as("round " + round + ": " + issued.body()).isEqualTo(200);
            Page revoked = browser.submit(browser.get("/"), "/certificate/revoke", Map.of("serial", issued.text("serial"), "reason", "superseded"));
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        }
        Page refused = LicenseTest.obtain(browser);
        assertThat(refused.status()).isGreaterThanOrEqualTo(400);
        assertThat(refused.body()).contains("GA-RA-007").contains("3");
        assertThat(testbed.bean(LicenseStore.class).of("hpci100028")).hasSize(3);
    }

    @Test
    @DisplayName("R-RA-2: an expired license ID is refused with GA-RA-011 and issues nothing")
    void expiredLicense() {
        WebClient browser = testbed.browser();
        browser.signIn("r19", PASSWORD);
        String license = LicenseTest.obtain(browser).text("license-id");
        // The license lifetime is days: its expiry is moved into the past in the database rather than waiting.
        testbed.bean(JdbcTemplate.class).update("UPDATE ra_license_ids SET expires_at = ? WHERE hpci_id = ?", System.currentTimeMillis() - 60_000,
                "hpci100019");
        Page refused = browser.submit(browser.get("/certificate"), "/certificate/check", Map.of("licenseId", license, "destination", "STORE"));
        assertThat(refused.status()).isGreaterThanOrEqualTo(400);
        assertThat(refused.body()).contains("GA-RA-011");
        assertThat(testbed.bean(org.gridauth.ra.protocol.CertManagerClient.class).mappings("hpci100019")).isEmpty();
    }

    @Test
    @DisplayName("R-RA-4, R-RA-7: a CN already in use by another researcher is refused (GA-RA-015) before issuance; each issuance is mailed to the domain's recipients, without secrets")
    void duplicateCommonNameAndNotification() throws Exception {
        SettingsService settings = testbed.bean(SettingsService.class);
        PortalSettings before = settings.current();
        try {
            save(settings, before, before.cnFormat().format(), "hpci.example.jp: ra-office@hpci.example.jp");
            WebClient first = testbed.browser();
            first.signIn("r18", PASSWORD);
            Page issued = CertificateTest.issue(first, CertificateTest.confirm(first, "STORE"));
            assertThat(issued.status()).as(issued.body()).isEqualTo(200);
            assertThat(issued.body()).contains("Ren Tanaka hpci100018");

            // The CA only accepts CNs ending in the researcher's own HPCI-ID, so a repeated CN needs an operator's
            // format gone wrong; the portal refuses it before the CA is asked.
            save(settings, before, "<givenName> <sn> hpci100018", "hpci.example.jp: ra-office@hpci.example.jp");
            WebClient twin = testbed.browser();
            twin.signIn("r38", PASSWORD);
            Page refused = CertificateTest.confirm(twin, "STORE");
            assertThat(refused.status()).isGreaterThanOrEqualTo(400);
            assertThat(refused.body()).contains("GA-RA-015").contains("Ren Tanaka hpci100018");
            assertThat(testbed.bean(org.gridauth.ra.protocol.CertManagerClient.class).mappings("hpci100038")).isEmpty();

            assertThat(testbed.mail.waitForIncomingEmail(10_000, 1)).isTrue();
            MimeMessage notice = Arrays.stream(testbed.mail.getReceivedMessages())
                    .filter(m -> com.icegreen.greenmail.util.GreenMailUtil.getBody(m).contains(issued.text("serial"))).findFirst().orElseThrow();
            assertThat(notice.getAllRecipients()[0].toString()).isEqualTo("ra-office@hpci.example.jp");
            assertThat(notice.getSubject()).contains("Ren Tanaka hpci100018");
            assertThat(com.icegreen.greenmail.util.GreenMailUtil.getWholeMessage(notice)).contains("hpci100018")
                    .doesNotContain(ResearcherFlowTest.KEY_PASS).doesNotContain(PASSWORD);
        } finally {
            save(settings, before, before.cnFormat().format(), before.recipientsText());
        }
    }

    private static void save(SettingsService settings, PortalSettings base, String cnFormat, String recipients) {
        settings.save(base.rules().format(), cnFormat, Integer.toString(base.maxTotal()), Integer.toString(base.maxHeld()),
                Long.toString(base.licenseLifetime().toHours()), recipients, base.fourEyes(), "test");
    }
}
