package org.gridauth.ra.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.ra.protocol.CertManagerClient;
import org.gridauth.ra.protocol.CertManagerMessages.MappingReply;
import org.gridauth.ra.store.LicenseStore;
import org.gridauth.ra.testing.Testbed;
import org.gridauth.ra.testing.WebClient;
import org.gridauth.ra.testing.WebClient.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Client certificates (R-RA-3, R-RA-4, R-RA-6, R-CA-4) through the pages, issued by the real CA. */
class CertificateTest {

    static final String PASSWORD = ResearcherFlowTest.PASSWORD;
    static final String KEY_PASS = ResearcherFlowTest.KEY_PASS;

    private final Testbed testbed = Testbed.get();

    static Page confirm(WebClient browser, String destination) {
        String license = LicenseTest.obtain(browser).text("license-id");
        return browser.submit(browser.get("/certificate"), "/certificate/check", Map.of("licenseId", license, "destination", destination));
    }

    static Page issue(WebClient browser, Page confirm) {
        return browser.submit(confirm, "/certificate/issue", Map.of("confirmCn", "yes", "passphrase", KEY_PASS, "passphraseConfirm", KEY_PASS));
    }

    List<MappingReply> certificates(String hpciId) {
        return testbed.bean(CertManagerClient.class).mappings(hpciId);
    }

    @Test
    @DisplayName("R-RA-3, R-RA-6: downloaded as PKCS#12 and PEM, both open with the passphrase and hold the certificate shown")
    void download() {
        WebClient browser = testbed.browser();
        browser.signIn("r12", PASSWORD);
        Page result = issue(browser, confirm(browser, "DOWNLOAD"));
        assertThat(result.status()).as(result.body()).isEqualTo(200);
        byte[] p12 = browser.download("/certificate/download/p12");
        Credential fromP12 = CredentialFiles.fromPkcs12(p12, KEY_PASS.toCharArray(), "usercred.p12");
        assertThat(fromP12.certificate().getSubjectX500Principal().getName()).contains("CN=Yumi Tanaka hpci100012");
        byte[] key = browser.download("/certificate/download/key");
        assertThat(new String(key)).contains("ENCRYPTED PRIVATE KEY");
        assertThat(CredentialFiles.decryptPrivateKey(key, KEY_PASS.toCharArray(), "userkey.pem")).isNotNull();
        assertThat(new String(browser.download("/certificate/download/cert"))).contains("BEGIN CERTIFICATE");
        assertThat(testbed.browser().download("/certificate/download/p12").length).as("another session gets nothing").isLessThan(p12.length);
    }

    @Test
    @DisplayName("R-RA-3: destination MyProxy stores the credential there and shows the MyProxy user name")
    void toMyProxy() {
        WebClient browser = testbed.browser();
        browser.signIn("r13", PASSWORD);
        Page result = issue(browser, confirm(browser, "MYPROXY"));
        assertThat(result.status()).as(result.body()).isEqualTo(200);
        assertThat(result.text("myproxy-user")).isEqualTo("hpci100013");
        assertThat(certificates("hpci100013")).singleElement().satisfies(m -> assertThat(m.location()).isEqualTo("MYPROXY"));
    }

    @Test
    @DisplayName("R-CA-4, R-RA-11: one valid certificate per HPCI-ID: no new license ID while it is valid; self-service revocation frees the way")
    void oneValidCertificateAndRevocation() {
        WebClient browser = testbed.browser();
        browser.signIn("r14", PASSWORD);
        Page result = issue(browser, confirm(browser, "STORE"));
        String serial = result.text("serial");
        Page refused = LicenseTest.obtain(browser);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body()).contains("GA-RA-006").contains(serial);
        Page revoked = browser.submit(browser.get("/"), "/certificate/revoke", Map.of("serial", serial, "reason", "keyCompromise"));
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(certificates("hpci100014")).singleElement().satisfies(m -> assertThat(m.status()).isEqualTo("REVOKED"));
        assertThat(LicenseTest.obtain(browser).status()).as("after revocation a new license ID is given").isEqualTo(200);
        Page notMine = testbed.browser().signIn("r15", PASSWORD);
        assertThat(notMine.status()).isEqualTo(200);
    }

    @Test
    @DisplayName("R-RA-3: the same license ID sent twice at once (double submission) gives exactly one certificate and one clear message")
    void doubleSubmission() throws Exception {
        WebClient browser = testbed.browser();
        browser.signIn("r16", PASSWORD);
        Page confirm = confirm(browser, "STORE");
        CyclicBarrier start = new CyclicBarrier(2);
        CompletableFuture<Page> a = CompletableFuture.supplyAsync(() -> {
            LicenseTest.await(start);
            return issue(browser, confirm);
        });
        CompletableFuture<Page> b = CompletableFuture.supplyAsync(() -> {
            LicenseTest.await(start);
            return issue(browser, confirm);
        });
        List<Page> pages = List.of(a.get(), b.get());
        assertThat(pages).filteredOn(p -> p.status() == 200).hasSize(1);
        Page other = pages.stream().filter(p -> p.status() != 200).findFirst().orElseThrow();
        assertThat(other.body()).containsAnyOf("GA-RA-012", "GA-RA-010", "GA-RA-033");
        assertThat(certificates("hpci100016")).hasSize(1);
        Page again = issue(browser, confirm);
        assertThat(again.body()).as("a later resubmission").containsAnyOf("GA-RA-010", "GA-RA-033");
        assertThat(certificates("hpci100016")).hasSize(1);
        assertThat(testbed.bean(LicenseStore.class).of("hpci100016")).singleElement().satisfies(l -> assertThat(l.state()).isEqualTo(LicenseStore.State.USED));
    }

    @Test
    @DisplayName("R-RA-4: a missing givenName refuses the certificate naming the attribute; a Japanese-script name is refused as unusable")
    void cnFromAttributes() {
        WebClient browser = testbed.browser();
        browser.signIn("nogiven", PASSWORD);
        Page refused = confirm(browser, "STORE");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("GA-RA-004").contains("givenName");
        WebClient kanji = testbed.browser();
        kanji.signIn("kanji", PASSWORD);
        assertThat(confirm(kanji, "STORE").body()).contains("GA-RA-016").contains("romaji");
    }

    @Test
    @DisplayName("R-RA-3: mismatched or weak passphrases are refused without echoing them, and the license ID stays usable")
    void passphraseChecks() {
        WebClient browser = testbed.browser();
        browser.signIn("r17", PASSWORD);
        Page confirm = confirm(browser, "STORE");
        Page mismatch = browser.submit(confirm, "/certificate/issue", Map.of("confirmCn", "yes", "passphrase", KEY_PASS, "passphraseConfirm",
                KEY_PASS + "x"));
        assertThat(mismatch.body()).contains("GA-RA-013").doesNotContain(KEY_PASS);
        Page weak = browser.submit(confirm, "/certificate/issue", Map.of("confirmCn", "yes", "passphrase", "abc", "passphraseConfirm", "abc"));
        assertThat(weak.body()).contains("GA-RA-014");
        Page unconfirmed = browser.submit(confirm, "/certificate/issue", Map.of("passphrase", KEY_PASS, "passphraseConfirm", KEY_PASS));
        assertThat(unconfirmed.body()).contains("GA-RA-016");
        assertThat(issue(browser, confirm).status()).isEqualTo(200);
    }
}
