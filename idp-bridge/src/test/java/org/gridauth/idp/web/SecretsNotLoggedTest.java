package org.gridauth.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.testing.Browser;
import org.gridauth.idp.testing.TestSp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SecretsNotLoggedTest extends IdpServerTestBase {

    @Test
    @DisplayName("R-OP-1: passwords, right or wrong, never reach the IdP log; the audit records the attempts")
    void passwordsNotLogged() throws Exception {
        String wrong = "Wr0ng-Secret-" + System.nanoTime();
        Browser browser = new Browser(BASE);
        browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(OTHER.authnRequest(redirectUrl(), null)), null, null));
        assertThat(login(browser, "taro", wrong).statusCode()).isEqualTo(401);
        Browser second = new Browser(BASE);
        second.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(OTHER.authnRequest(redirectUrl(), null)), null, null));
        assertThat(login(second, "taro", TARO_PASSWORD).statusCode()).isEqualTo(200);

        String log = Files.readString(Path.of("target/test-idp.log"));
        assertThat(log).contains("event=login-failed", "event=login-ok").doesNotContain(wrong).doesNotContain(TARO_PASSWORD);
        String key = Files.readString(DIR.resolve("home/idp-signing.key"));
        String keyBody = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertThat(log).doesNotContain(keyBody);

        // The same decisions as structured records (JSON lines) in the audit file, and no password there either.
        String audit = Files.readString(DIR.resolve("home/audit.jsonl"));
        assertThat(audit).contains("\"event\":\"login-failed\",\"code\":\"GA-IDP-009\",\"user\":\"taro\"",
                "\"event\":\"login-ok\",\"user\":\"taro\"").doesNotContain(wrong).doesNotContain(TARO_PASSWORD);
        assertThat(audit.lines()).allSatisfy(line -> assertThat(line).startsWith("{\"time\":\"").endsWith("}"));
    }
}
