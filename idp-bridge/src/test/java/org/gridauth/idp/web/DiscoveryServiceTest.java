package org.gridauth.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.gridauth.idp.testing.Browser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DiscoveryServiceTest extends IdpServerTestBase {

    private static final String TOKYO = "https://idp.tokyo-u.test/idp/shibboleth";

    private static String query(String returnUrl, String... more) {
        StringBuilder q = new StringBuilder("/ds?entityID=").append(enc(PORTAL.entityId)).append("&return=").append(enc(returnUrl));
        for (String m : more) {
            q.append('&').append(m);
        }
        return q.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("R-DS-1: the list shows only the HPCI account IdPs selected from the federation metadata, in the browser's language")
    void listsOnlyHpciIdps() {
        HttpResponse<String> en = new Browser(BASE).get(query(PORTAL.discoveryUrl));
        assertThat(en.statusCode()).isEqualTo(200);
        assertThat(en.body()).contains("HPCI Account IdP", "University of Tokyo (test)").doesNotContain("Other Federation IdP", "idp.other.test");
        HttpResponse<String> ja = new Browser(BASE).getWithLanguage(query(PORTAL.discoveryUrl), "ja");
        assertThat(ja.body()).contains("東京大学 (テスト)", "HPCI アカウント IdP", "所属機関");
    }

    @Test
    @DisplayName("R-DS-1: search by Japanese or English display name (full-width letters too)")
    void search() {
        assertThat(new Browser(BASE).get(query(PORTAL.discoveryUrl, "q=" + enc("東京"))).body())
                .contains(TOKYO).doesNotContain("HPCI Account IdP<");
        assertThat(new Browser(BASE).get(query(PORTAL.discoveryUrl, "q=tokyo")).body()).contains(TOKYO);
        assertThat(new Browser(BASE).get(query(PORTAL.discoveryUrl, "q=" + enc("ＨＰＣＩ"))).body())
                .contains("HPCI Account IdP").doesNotContain(TOKYO);
        assertThat(new Browser(BASE).get(query(PORTAL.discoveryUrl, "q=" + enc("Other Federation"))).body())
                .contains("id=\"none\"").doesNotContain("idp.other.test");
    }

    @Test
    @DisplayName("R-DS-1: the choice goes back to the SP's return URL and is remembered for the configured days, skipping the list")
    void choiceRemembered() {
        Browser browser = new Browser(BASE);
        HttpResponse<String> chosen = browser.post("/ds", Map.of("entityID", PORTAL.entityId, "return", PORTAL.discoveryUrl + "?SAMLDS=1&target=x",
                "returnIDParam", "idp", "idp", TOKYO));
        assertThat(chosen.statusCode()).isEqualTo(302);
        assertThat(chosen.headers().firstValue("Location")).hasValue(PORTAL.discoveryUrl + "?SAMLDS=1&target=x&idp=" + enc(TOKYO));
        assertThat(chosen.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c)
                .contains(DiscoveryController.COOKIE + "=", "Max-Age=2592000", "HttpOnly", "Path=/ds", "SameSite=Lax"));

        HttpResponse<String> again = browser.get(query(PORTAL.discoveryUrl));
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(again.headers().firstValue("Location")).hasValue(PORTAL.discoveryUrl + "?entityID=" + enc(TOKYO));
    }

    @Test
    @DisplayName("R-DS-1: isPassive without a remembered choice returns to the SP without an IdP")
    void passive() {
        HttpResponse<String> r = new Browser(BASE).get(query(PORTAL.discoveryUrl, "isPassive=true"));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue(PORTAL.discoveryUrl);
    }

    @Test
    @DisplayName("R-DS-1: a return URL not registered as the SP's DiscoveryResponse is refused (GA-IDP-021)")
    void returnMustBeRegistered() {
        for (String bad : new String[] {"https://attacker.test/Login", "https://portal.test.attacker.test/Shibboleth.sso/Login",
                "https://portal.test/Shibboleth.sso/Login/../../evil", "javascript:alert(1)", "https://portal.test/Shibboleth.sso/Login#x"}) {
            HttpResponse<String> r = new Browser(BASE).get(query(bad));
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.body()).contains("GA-IDP-021");
            assertThat(r.headers().firstValue("Location")).isEmpty();
        }
        HttpResponse<String> post = new Browser(BASE).post("/ds", Map.of("entityID", PORTAL.entityId, "return", "https://attacker.test/x", "idp", TOKYO));
        assertThat(post.statusCode()).isEqualTo(400);
        assertThat(post.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    @DisplayName("R-DS-1: unknown SP, unsupported policy and an IdP outside the selection are refused")
    void badRequests() {
        HttpResponse<String> unknown = new Browser(BASE).get("/ds?entityID=" + enc("https://stranger.test/sp") + "&return=" + enc("https://stranger.test/Login"));
        assertThat(unknown.body()).contains("GA-IDP-001");
        assertThat(new Browser(BASE).get(query(PORTAL.discoveryUrl, "policy=" + enc("urn:x:multi"))).body()).contains("GA-IDP-022");
        HttpResponse<String> outside = new Browser(BASE).post("/ds", Map.of("entityID", PORTAL.entityId, "return", PORTAL.discoveryUrl,
                "idp", "https://idp.other.test/idp"));
        assertThat(outside.statusCode()).isEqualTo(400);
        assertThat(outside.body()).contains("GA-IDP-023");
    }
}
