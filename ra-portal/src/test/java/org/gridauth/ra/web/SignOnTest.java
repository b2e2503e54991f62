package org.gridauth.ra.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridauth.ra.store.AccessLogStore;
import org.gridauth.ra.testing.Testbed;
import org.gridauth.ra.testing.WebClient;
import org.gridauth.ra.testing.WebClient.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Sign-on through the real IdP and discovery service, the custom assertion validator in the real flow, headers. */
class SignOnTest {

    static final String PASSWORD = ResearcherFlowTest.PASSWORD;

    private final Testbed testbed = Testbed.get();

    /** Walks to the IdP's SAML response page without posting it, so a test can change it first. */
    static Page responsePage(Testbed testbed, WebClient browser, String user) {
        Page login = browser.get("/login");
        Page ds = browser.follow(browser.get(login.href("sign-in")));
        Page idpLogin = browser.follow(browser.chooseIdp(ds, testbed.idpEntityId()));
        Page response = browser.idpLogin(idpLogin, user, PASSWORD);
        while (response.status() == 302) {
            response = browser.get(response.uri().resolve(response.response().headers().firstValue("Location").orElseThrow()).toString());
        }
        assertThat(response.body()).contains("SAMLResponse");
        return response;
    }

    static Page postResponse(WebClient browser, Page page, String samlResponse) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("SAMLResponse", samlResponse);
        if (page.field("RelayState") != null) {
            form.put("RelayState", page.field("RelayState"));
        }
        return browser.follow(browser.post(testbed().portalBase() + "/login/saml2/sso", form));
    }

    static Testbed testbed() {
        return Testbed.get();
    }

    static String xml(Page page) {
        return new String(Base64.getDecoder().decode(page.field("SAMLResponse")), StandardCharsets.UTF_8);
    }

    static String b64(String xml) {
        return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("R-RA-1: a signed response from the IdP chosen in the discovery service signs the person on; the decision is in the access log (R-RA-9)")
    void signOn() {
        WebClient browser = testbed.browser();
        Page home = browser.signIn("r02", PASSWORD);
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.body()).contains("hpci100002");
        List<AccessLogStore.AccessRecord> log = testbed.bean(AccessLogStore.class)
                .search(new AccessLogStore.Filter("hpci100002", null, "AUTHORIZATION", null, null, null), 10);
        assertThat(log).isNotEmpty();
        assertThat(log.get(0).result()).isEqualTo("GRANTED");
        assertThat(log.get(0).eppn()).isEqualTo("r02@hpci.example.jp");
        assertThat(log.get(0).detail()).contains("RESEARCHER: entitlement equals");
    }

    @Test
    @DisplayName("R-RA-1: a response whose attribute was changed after signing is refused with GA-RA-029, no session")
    void tampered() {
        WebClient browser = testbed.browser();
        Page page = responsePage(testbed, browser, "r03");
        String xml = xml(page);
        assertThat(xml).contains("hpci100003");
        Page refused = postResponse(browser, page, b64(xml.replace("hpci100003", "hpci100004")));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("GA-RA-029").doesNotContain("Exception");
        assertThat(browser.get("/").status()).as("no session was made").isEqualTo(302);
    }

    @Test
    @DisplayName("R-RA-1: a response with its signatures removed is refused")
    void unsigned() {
        WebClient browser = testbed.browser();
        Page page = responsePage(testbed, browser, "r04");
        String stripped = xml(page).replaceAll("(?s)<ds:Signature.*?</ds:Signature>", "");
        assertThat(stripped).doesNotContain("SignatureValue");
        Page refused = postResponse(browser, page, b64(stripped));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("GA-RA-029");
    }

    @Test
    @DisplayName("R-RA-1: a response replayed in a fresh session (no AuthnRequest of ours) is refused")
    void replayedElsewhere() {
        WebClient browser = testbed.browser();
        Page page = responsePage(testbed, browser, "r05");
        WebClient other = testbed.browser();
        Page refused = postResponse(other, page, page.field("SAMLResponse"));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("GA-RA-029");
    }

    @Test
    @DisplayName("R-RA-1: an IdP the portal does not know, chosen in the discovery service, ends in GA-RA-034")
    void unknownIdp() {
        WebClient browser = testbed.browser();
        Page login = browser.get("/login");
        Page ds = browser.follow(browser.get(login.href("sign-in")));
        Page refused = browser.follow(browser.chooseIdp(ds, Testbed.OTHER_IDP));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("GA-RA-034").contains(Testbed.OTHER_IDP);
    }

    @Test
    @DisplayName("R-RA-5: a person no rule authorizes is told why and cannot open the researcher pages; the denial is logged")
    void notAuthorized() {
        WebClient browser = testbed.browser();
        Page home = browser.signIn("noent", PASSWORD);
        assertThat(home.body()).contains("GA-RA-003");
        Page license = browser.get("/license");
        assertThat(license.status()).isEqualTo(403);
        assertThat(license.body()).contains("GA-RA-003");
        assertThat(testbed.bean(AccessLogStore.class).search(new AccessLogStore.Filter("hpci200006", null, "AUTHORIZATION", "DENIED", null, null), 5))
                .isNotEmpty();
    }

    @Test
    @DisplayName("R-RA-10: HTTPS only, with CSP without inline script, HSTS, no framing, no referrer; the session cookie is Secure and HttpOnly")
    void securityHeaders() {
        WebClient browser = testbed.browser();
        Page login = browser.get("/login");
        var headers = login.response().headers();
        assertThat(headers.firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'").contains("script-src 'self'")
                .doesNotContain("unsafe-inline").contains("frame-ancestors 'none'");
        assertThat(headers.firstValue("Strict-Transport-Security").orElseThrow()).contains("max-age=31536000");
        assertThat(headers.firstValue("X-Frame-Options").orElseThrow()).isEqualTo("DENY");
        assertThat(headers.firstValue("Referrer-Policy").orElseThrow()).isEqualTo("no-referrer");
        Page home = browser.signIn("r06", PASSWORD);
        assertThat(home.status()).isEqualTo(200);
        assertThat(testbed.portalBase()).startsWith("https://");
    }

    @Test
    @DisplayName("pages follow the browser language and switch with ?lang; English and Japanese")
    void languages() {
        WebClient ja = testbed.browser("ja-JP,ja;q=0.9");
        assertThat(ja.get("/login").body()).contains("所属機関のアカウントでサインイン").contains("lang=\"ja\"");
        assertThat(ja.get("/login?lang=en").body()).contains("Sign in with the account of your home organisation");
        assertThat(ja.get("/login").body()).as("the choice is remembered").contains("Sign in with the account");
        WebClient en = testbed.browser("en-US");
        assertThat(en.get("/login").body()).contains("lang=\"en\"");
    }

    @Test
    @DisplayName("R-RA-1: a form sent after the session expired ends in GA-RA-002 and a link to sign in, never a stack trace")
    void expiredSession() {
        WebClient browser = testbed.browser();
        Page confirmForm = browser.signIn("r07", PASSWORD);
        Page licensePage = browser.get("/license");
        browser.submit(browser.get("/"), "/logout", Map.of());
        Page after = browser.submit(licensePage, "/license", Map.of());
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.body()).contains("GA-RA-002").contains("/login").doesNotContain("Exception");
        assertThat(confirmForm.status()).isEqualTo(200);
    }
}
