package org.gridauth.ra.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridauth.ra.testing.Testbed;
import org.gridauth.ra.testing.WebClient;
import org.gridauth.ra.testing.WebClient.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every form field with empty, overlong, wrongly encoded and script-bearing values: each ends in a page with a GA-RA
 * code and what to do, never a stack trace, never the script reflected unescaped, never a certificate.
 */
class BadInputTest {

    static final String PASSWORD = ResearcherFlowTest.PASSWORD;
    static final String SCRIPT = "<script>alert(1)</script>";
    static final List<String> VALUES = List.of("", "x".repeat(70_000), "\u0000\u0001", "\uFFFD\uFFFD", SCRIPT, "' OR 1=1 --", "../../etc/passwd");

    private final Testbed testbed = Testbed.get();

    static void clear(Page page) {
        assertThat(page.status()).as(page.body()).isBetween(400, 499);
        assertThat(page.body()).contains("GA-RA-").doesNotContain("Exception").doesNotContain("at org.").doesNotContain(SCRIPT);
    }

    static Map<String, String> with(Map<String, String> base, String field, String value) {
        Map<String, String> form = new LinkedHashMap<>(base);
        form.put(field, value);
        return form;
    }

    @Test
    @DisplayName("bad input: the certificate, proxy and license forms refuse every fuzzed value clearly, and no certificate is issued")
    void researcherForms() {
        WebClient browser = testbed.browser();
        browser.signIn("r30", PASSWORD);
        Map<String, String> check = Map.of("licenseId", "ABCDE-ABCDE-ABCDE-ABCDE", "destination", "STORE");
        for (String field : check.keySet()) {
            for (String value : VALUES) {
                clear(browser.submit(browser.get("/certificate"), "/certificate/check", with(check, field, value)));
            }
        }
        Map<String, String> proxy = Map.of("keyPassphrase", "some passphrase", "storagePassphrase", "storage pass 1", "storagePassphraseConfirm",
                "storage pass 1", "hours", "12", "vo", "hpci.jp", "destination", "MYPROXY");
        for (String field : List.of("hours", "vo", "group", "role", "destination")) {
            for (String value : VALUES) {
                if (value.isEmpty() && !field.equals("destination")) {
                    continue; // empty optional fields are simply absent
                }
                clear(browser.submit(browser.get("/proxy"), "/proxy", with(proxy, field, value)));
            }
        }
        clear(browser.submit(browser.get("/certificate"), "/certificate/issue", Map.of("passphrase", SCRIPT, "passphraseConfirm", SCRIPT,
                "confirmCn", "yes")));
        assertThat(testbed.bean(org.gridauth.ra.protocol.CertManagerClient.class).mappings("hpci100030")).isEmpty();
    }

    @Test
    @DisplayName("bad input: a body in the wrong encoding, a malformed URL and unknown pages end in a clear page")
    void encodings() {
        WebClient browser = testbed.browser();
        browser.signIn("r31", PASSWORD);
        Page form = browser.get("/certificate");
        byte[] body = ("licenseId=%FF%FE%80&destination=STORE&_csrf=" + form.field("_csrf")).getBytes(StandardCharsets.US_ASCII);
        clear(browser.follow(browser.postBytes("/certificate/check", body)));
        clear(browser.get("/admin/people/%FF%FE"));
        clear(browser.get("/no-such-page"));
        clear(browser.get("/certificate/download/" + "x".repeat(300)));
    }

    @Test
    @DisplayName("bad input: console searches and filters with script, overlong and malformed values end in a clear page or an empty result")
    void consoleFields() {
        WebClient operator = testbed.browser();
        operator.signIn("op1", PASSWORD);
        Page search = operator.get("/admin?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        assertThat(search.status()).isEqualTo(200);
        assertThat(search.body()).doesNotContain(SCRIPT).contains("&lt;script&gt;");
        clear(operator.get("/admin?q=" + "x".repeat(300)));
        clear(operator.get("/admin/access-log?from=yesterday"));
        clear(operator.get("/admin/access-log?operation=%3Cscript%3E"));
        clear(operator.submit(operator.get("/admin/host-requests"), "/admin/host-requests/999999/approve", Map.of()));
        clear(operator.submit(operator.get("/host-requests"), "/host-requests", Map.of("kind", SCRIPT, "csr", SCRIPT)));
        clear(operator.submit(operator.get("/admin/settings"), "/admin/settings", Map.of("rules", SCRIPT, "cnFormat", SCRIPT, "maxTotal", "x",
                "maxHeld", "1", "lifetimeHours", "1", "recipients", "")));
    }
}
