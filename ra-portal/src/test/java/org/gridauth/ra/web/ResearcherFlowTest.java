package org.gridauth.ra.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.gridauth.ra.testing.Testbed;
import org.gridauth.ra.testing.WebClient;
import org.gridauth.ra.testing.WebClient.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The researcher's path through the real IdP, discovery service, certificate manager, CA and MyProxy. */
class ResearcherFlowTest {

    static final String PASSWORD = "Portal-test-Pass1";
    static final String KEY_PASS = "correct horse battery staple";

    private final Testbed testbed = Testbed.get();

    @Test
    @DisplayName("R-RA-1, R-RA-2, R-RA-3, R-RA-4: sign on through the discovery service, obtain a license ID, confirm the CN, get a certificate kept in the certificate manager")
    void licenseToCertificate() {
        WebClient browser = testbed.browser();
        Page home = browser.signIn("r01", PASSWORD);
        assertThat(home.status()).as(home.body()).isEqualTo(200);
        assertThat(home.uri().getPath()).isEqualTo("/");
        assertThat(home.body()).contains("Jiro Tanaka").contains("hpci100001");

        Page licensePage = browser.get("/license");
        Page issued = browser.submit(licensePage, "/license", Map.of());
        assertThat(issued.status()).as(issued.body()).isEqualTo(200);
        String license = issued.text("license-id");
        assertThat(license).matches("[0-9A-Z]{5}(-[0-9A-Z]{5}){3}");

        Page form = browser.get("/certificate");
        Page confirm = browser.submit(form, "/certificate/check", Map.of("licenseId", license, "destination", "STORE"));
        assertThat(confirm.status()).as(confirm.body()).isEqualTo(200);
        assertThat(confirm.text("cn")).isEqualTo("Jiro Tanaka hpci100001");

        Page result = browser.submit(confirm, "/certificate/issue", Map.of("confirmCn", "yes", "passphrase", KEY_PASS, "passphraseConfirm", KEY_PASS));
        assertThat(result.status()).as(result.body()).isEqualTo(200);
        assertThat(result.text("subject")).endsWith("CN=Jiro Tanaka hpci100001");
        assertThat(result.body()).doesNotContain(KEY_PASS).doesNotContain(license);
    }
}
