package org.gridauth.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.protocol.RequestSignatures;
import org.gridauth.idp.protocol.ServiceProvider;
import org.gridauth.idp.testing.Browser;
import org.gridauth.idp.testing.TestSp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.LogoutRequest;
import org.opensaml.saml.saml2.core.LogoutResponse;
import org.opensaml.saml.saml2.core.StatusCode;

/**
 * Single logout across every SP of the session, over both bindings, and the checks on logout messages
 * (IssueInstant window, ID replay, unsolicited responses).
 */
class SingleLogoutPropagationTest extends IdpServerTestBase {

    private static final String SLO_REDIRECT = "/idp/profile/SAML2/Redirect/SLO?";
    private static final String SLO_POST = "/idp/profile/SAML2/POST/SLO";

    private static String location(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        return response.headers().firstValue("Location").orElseThrow();
    }

    /** Reads a message the IdP sent in an HTTP-POST form and checks its XML signature against the IdP's key. */
    private static <T extends org.opensaml.saml.common.SignableSAMLObject> T fromPostForm(HttpResponse<String> page, String action,
                                                                                         String parameter, Class<T> type) throws Exception {
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(Browser.formAction(page.body())).isEqualTo(action);
        String field = Browser.field(page.body(), parameter);
        T message = type.cast(OpenSaml.parse(java.util.Base64.getDecoder().decode(field)));
        RequestSignatures.requireXmlSignature(message,
                new ServiceProvider("idp", List.of(), List.of(idpCertificate()), true, List.of(), List.of(), null, true));
        return message;
    }

    private static HttpResponse<String> postSigned(Browser browser, String parameter, org.opensaml.saml.common.SignableSAMLObject message,
                                                   TestSp from) {
        TestSp.signXml(message, from.credential);
        return browser.post(SLO_POST, Map.of(parameter, TestSp.postEncode(OpenSaml.toXml(message))));
    }

    @Test
    @DisplayName("R-IDP-1: SP-initiated logout is propagated to the other SP of the session before the first SP gets Success without PartialLogout")
    void propagatesToOtherSps() {
        Browser browser = new Browser(BASE);
        Assertion atPortal = SingleLogoutTest.signIn(browser, PORTAL, true);
        Assertion atOther = SingleLogoutTest.signIn(browser, OTHER, false);
        LogoutRequest fromPortal = SingleLogoutTest.logoutRequest(PORTAL, atPortal);
        String toOther = location(browser.get(SLO_REDIRECT + TestSp.redirectQuery(OpenSaml.toXml(fromPortal), "rs-7", PORTAL.credential)));
        assertThat(toOther).startsWith(OTHER.logoutUrl + "?SAMLRequest=");
        LogoutRequest sent = (LogoutRequest) SingleLogoutTest.fromIdp(toOther, "SAMLRequest").message();
        assertThat(sent.getNameID().getValue()).isEqualTo(atOther.getSubject().getNameID().getValue());

        String toPortal = location(browser.get(SLO_REDIRECT + TestSp.redirectQuery("SAMLResponse",
                OpenSaml.toXml(SingleLogoutTest.success(OTHER, sent)), null, OTHER.credential)));
        assertThat(toPortal).startsWith(PORTAL.logoutUrl + "?SAMLResponse=");
        var answer = SingleLogoutTest.fromIdp(toPortal, "SAMLResponse");
        LogoutResponse response = (LogoutResponse) answer.message();
        assertThat(response.getInResponseTo()).isEqualTo(fromPortal.getID());
        assertThat(response.getStatus().getStatusCode().getValue()).isEqualTo(StatusCode.SUCCESS);
        assertThat(response.getStatus().getStatusCode().getStatusCode()).isNull();
        assertThat(answer.relayState()).isEqualTo("rs-7");
        assertThat(browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(PORTAL.authnRequest(redirectUrl(), null)), null, null))
                .headers().firstValue("Location")).hasValue("/idp/login");
    }

    @Test
    @DisplayName("R-IDP-1: when another SP answers its LogoutRequest with an error, the first SP gets Success with PartialLogout")
    void partialWhenAnSpFails() {
        Browser browser = new Browser(BASE);
        Assertion atPortal = SingleLogoutTest.signIn(browser, PORTAL, true);
        SingleLogoutTest.signIn(browser, OTHER, false);
        LogoutRequest fromPortal = SingleLogoutTest.logoutRequest(PORTAL, atPortal);
        String toOther = location(browser.get(SLO_REDIRECT + TestSp.redirectQuery(OpenSaml.toXml(fromPortal), null, PORTAL.credential)));
        LogoutRequest sent = (LogoutRequest) SingleLogoutTest.fromIdp(toOther, "SAMLRequest").message();
        String toPortal = location(browser.get(SLO_REDIRECT + TestSp.redirectQuery("SAMLResponse",
                OpenSaml.toXml(SingleLogoutTest.answer(OTHER, sent, StatusCode.RESPONDER)), null, OTHER.credential)));
        LogoutResponse response = (LogoutResponse) SingleLogoutTest.fromIdp(toPortal, "SAMLResponse").message();
        assertThat(response.getStatus().getStatusCode().getValue()).isEqualTo(StatusCode.SUCCESS);
        assertThat(response.getStatus().getStatusCode().getStatusCode().getValue()).isEqualTo(StatusCode.PARTIAL_LOGOUT);
    }

    @Test
    @DisplayName("R-IDP-1: HTTP-POST binding: an SP with only a POST SingleLogoutService gets a signed POST LogoutRequest and answers over POST")
    void postBindingPropagation() throws Exception {
        Browser browser = new Browser(BASE);
        Assertion atPortal = SingleLogoutTest.signIn(browser, PORTAL, true);
        Assertion atPlain = SingleLogoutTest.signIn(browser, PLAIN, false);
        LogoutRequest fromPortal = SingleLogoutTest.logoutRequest(PORTAL, atPortal);
        HttpResponse<String> form = browser.get(SLO_REDIRECT + TestSp.redirectQuery(OpenSaml.toXml(fromPortal), null, PORTAL.credential));
        LogoutRequest toPlain = fromPostForm(form, PLAIN.logoutUrl, "SAMLRequest", LogoutRequest.class);
        assertThat(toPlain.getDestination()).isEqualTo(PLAIN.logoutUrl);
        assertThat(toPlain.getNameID().getValue()).isEqualTo(atPlain.getSubject().getNameID().getValue());

        LogoutResponse fromPlain = SingleLogoutTest.success(PLAIN, toPlain);
        fromPlain.setDestination(BASE + SLO_POST);
        String toPortal = location(postSigned(browser, "SAMLResponse", fromPlain, PLAIN));
        LogoutResponse response = (LogoutResponse) SingleLogoutTest.fromIdp(toPortal, "SAMLResponse").message();
        assertThat(response.getStatus().getStatusCode().getValue()).isEqualTo(StatusCode.SUCCESS);
        assertThat(response.getStatus().getStatusCode().getStatusCode()).isNull();
    }

    @Test
    @DisplayName("R-IDP-1: HTTP-POST binding: an SP-initiated POST LogoutRequest is answered with a signed POST LogoutResponse; unsigned POST is refused (GA-IDP-005)")
    void postBindingSpInitiated() throws Exception {
        Browser browser = new Browser(BASE);
        Assertion atPlain = SingleLogoutTest.signIn(browser, PLAIN, true);
        LogoutRequest unsigned = SingleLogoutTest.logoutRequest(PLAIN, atPlain, BASE + SLO_POST);
        HttpResponse<String> refused = browser.post(SLO_POST, Map.of("SAMLRequest", TestSp.postEncode(OpenSaml.toXml(unsigned))));
        assertThat(refused.body()).contains("GA-IDP-005");

        LogoutRequest request = SingleLogoutTest.logoutRequest(PLAIN, atPlain, BASE + SLO_POST);
        HttpResponse<String> form = postSigned(browser, "SAMLRequest", request, PLAIN);
        LogoutResponse response = fromPostForm(form, PLAIN.logoutUrl, "SAMLResponse", LogoutResponse.class);
        assertThat(response.getInResponseTo()).isEqualTo(request.getID());
        assertThat(response.getStatus().getStatusCode().getValue()).isEqualTo(StatusCode.SUCCESS);
    }

    @Test
    @DisplayName("R-IDP-1: a replayed LogoutRequest is refused (GA-IDP-026) and one issued an hour ago too (GA-IDP-025)")
    void replayAndAge() {
        Browser browser = new Browser(BASE);
        Assertion atPortal = SingleLogoutTest.signIn(browser, PORTAL, true);
        LogoutRequest old = SingleLogoutTest.logoutRequest(PORTAL, atPortal);
        old.setIssueInstant(Instant.now().minus(Duration.ofHours(1)));
        HttpResponse<String> stale = browser.get(SLO_REDIRECT + TestSp.redirectQuery(OpenSaml.toXml(old), null, PORTAL.credential));
        assertThat(stale.statusCode()).isEqualTo(400);
        assertThat(stale.body()).contains("GA-IDP-025");

        LogoutRequest request = SingleLogoutTest.logoutRequest(PORTAL, atPortal);
        String query = TestSp.redirectQuery(OpenSaml.toXml(request), null, PORTAL.credential);
        assertThat(browser.get(SLO_REDIRECT + query).statusCode()).isEqualTo(302);
        HttpResponse<String> replayed = new Browser(BASE).get(SLO_REDIRECT + query);
        assertThat(replayed.statusCode()).isEqualTo(400);
        assertThat(replayed.body()).contains("GA-IDP-026");
    }

    @Test
    @DisplayName("R-IDP-1: a LogoutResponse that answers no LogoutRequest of this browser's logout is refused (GA-IDP-027)")
    void unsolicitedResponse() {
        Browser browser = new Browser(BASE);
        Assertion atPortal = SingleLogoutTest.signIn(browser, PORTAL, true);
        LogoutRequest invented = SingleLogoutTest.logoutRequest(PORTAL, atPortal);
        HttpResponse<String> refused = browser.get(SLO_REDIRECT + TestSp.redirectQuery("SAMLResponse",
                OpenSaml.toXml(SingleLogoutTest.success(OTHER, invented)), null, OTHER.credential));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("GA-IDP-027");
        // The session is untouched.
        assertThat(browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(PORTAL.authnRequest(redirectUrl(), null)), null, null))
                .statusCode()).isEqualTo(200);
    }
}
