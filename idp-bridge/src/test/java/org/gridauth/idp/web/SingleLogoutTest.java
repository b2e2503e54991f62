package org.gridauth.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.gridauth.idp.protocol.AuthnRequestDecoder;
import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.protocol.RequestSignatures;
import org.gridauth.idp.protocol.ServiceProvider;
import org.gridauth.idp.testing.Browser;
import org.gridauth.idp.testing.SamlResponses;
import org.gridauth.idp.testing.TestSp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opensaml.saml.common.SAMLVersion;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.LogoutRequest;
import org.opensaml.saml.saml2.core.LogoutResponse;
import org.opensaml.saml.saml2.core.NameID;
import org.opensaml.saml.saml2.core.SessionIndex;
import org.opensaml.saml.saml2.core.Status;
import org.opensaml.saml.saml2.core.StatusCode;

class SingleLogoutTest extends IdpServerTestBase {

    private static final AuthnRequestDecoder DECODER = new AuthnRequestDecoder(1 << 20, 1 << 22);

    static Assertion signIn(Browser browser, TestSp sp, boolean login) {
        HttpResponse<String> first = browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(sp.authnRequest(redirectUrl(), null)), null, null));
        HttpResponse<String> answer = login ? login(browser, "taro", TARO_PASSWORD) : first;
        return SamlResponses.decode(Browser.field(answer.body(), "SAMLResponse")).getAssertions().get(0);
    }

    /** Decodes a redirect the IdP sent and checks its query signature with the IdP's metadata key. */
    static AuthnRequestDecoder.RedirectMessage fromIdp(String location, String parameter) {
        String query = URI.create(location).getRawQuery();
        AuthnRequestDecoder.RedirectMessage message = DECODER.decodeRedirectMessage(query, parameter);
        RequestSignatures.requireRedirectSignature(message.signature(),
                new ServiceProvider("idp", List.of(), List.of(idpCertificate()), true, List.of(), List.of(), null, true));
        return message;
    }

    static LogoutRequest logoutRequest(TestSp sp, Assertion assertion) {
        return logoutRequest(sp, assertion, BASE + "/idp/profile/SAML2/Redirect/SLO");
    }

    static LogoutRequest logoutRequest(TestSp sp, Assertion assertion, String destination) {
        LogoutRequest request = OpenSaml.build(LogoutRequest.DEFAULT_ELEMENT_NAME);
        request.setID("_" + UUID.randomUUID());
        request.setVersion(SAMLVersion.VERSION_20);
        request.setIssueInstant(Instant.now());
        request.setDestination(destination);
        Issuer issuer = OpenSaml.build(Issuer.DEFAULT_ELEMENT_NAME);
        issuer.setValue(sp.entityId);
        request.setIssuer(issuer);
        NameID nameId = OpenSaml.build(NameID.DEFAULT_ELEMENT_NAME);
        nameId.setFormat(assertion.getSubject().getNameID().getFormat());
        nameId.setValue(assertion.getSubject().getNameID().getValue());
        request.setNameID(nameId);
        SessionIndex index = OpenSaml.build(SessionIndex.DEFAULT_ELEMENT_NAME);
        index.setValue(assertion.getAuthnStatements().get(0).getSessionIndex());
        request.getSessionIndexes().add(index);
        return request;
    }

    @Test
    @DisplayName("R-IDP-1: SP-initiated logout over HTTP-Redirect ends the IdP session and answers with a signed LogoutResponse")
    void spInitiated() {
        Browser browser = new Browser(BASE);
        Assertion assertion = signIn(browser, PORTAL, true);
        LogoutRequest request = logoutRequest(PORTAL, assertion);
        HttpResponse<String> slo = browser.get("/idp/profile/SAML2/Redirect/SLO?"
                + TestSp.redirectQuery(OpenSaml.toXml(request), "rs-1", PORTAL.credential));
        assertThat(slo.statusCode()).isEqualTo(302);
        String location = slo.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(PORTAL.logoutUrl + "?SAMLResponse=");
        AuthnRequestDecoder.RedirectMessage message = fromIdp(location, "SAMLResponse");
        LogoutResponse response = (LogoutResponse) message.message();
        assertThat(response.getInResponseTo()).isEqualTo(request.getID());
        assertThat(response.getStatus().getStatusCode().getValue()).isEqualTo(StatusCode.SUCCESS);
        assertThat(message.relayState()).isEqualTo("rs-1");

        // The IdP session is gone: the next sign-on asks for the password again.
        HttpResponse<String> again = browser.get("/idp/profile/SAML2/Redirect/SSO?"
                + TestSp.redirectQuery(OpenSaml.toXml(PORTAL.authnRequest(redirectUrl(), null)), null, null));
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(again.headers().firstValue("Location")).hasValue("/idp/login");
    }

    @Test
    @DisplayName("R-IDP-1: an unsigned or wrongly signed LogoutRequest is refused and the session stays (GA-IDP-005, GA-IDP-006)")
    void unsignedLogoutRefused() {
        Browser browser = new Browser(BASE);
        Assertion assertion = signIn(browser, PORTAL, true);
        HttpResponse<String> unsigned = browser.get("/idp/profile/SAML2/Redirect/SLO?"
                + TestSp.redirectQuery(OpenSaml.toXml(logoutRequest(PORTAL, assertion)), null, null));
        assertThat(unsigned.statusCode()).isEqualTo(400);
        assertThat(unsigned.body()).contains("GA-IDP-005");
        HttpResponse<String> forged = browser.get("/idp/profile/SAML2/Redirect/SLO?"
                + TestSp.redirectQuery(OpenSaml.toXml(logoutRequest(PORTAL, assertion)), null, OTHER.credential));
        assertThat(forged.body()).contains("GA-IDP-006");
        HttpResponse<String> stillIn = browser.get("/idp/profile/SAML2/Redirect/SSO?"
                + TestSp.redirectQuery(OpenSaml.toXml(PORTAL.authnRequest(redirectUrl(), null)), null, null));
        assertThat(stillIn.statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("R-IDP-1: IdP-initiated logout sends each SP of the session a signed LogoutRequest in turn, then shows the signed-out page")
    void idpInitiated() {
        Browser browser = new Browser(BASE);
        Assertion atPortal = signIn(browser, PORTAL, true);
        Assertion atOther = signIn(browser, OTHER, false);

        HttpResponse<String> start = browser.get("/idp/profile/Logout");
        assertThat(start.statusCode()).isEqualTo(302);
        String first = start.headers().firstValue("Location").orElseThrow();
        assertThat(first).startsWith(PORTAL.logoutUrl + "?SAMLRequest=");
        LogoutRequest toPortal = (LogoutRequest) fromIdp(first, "SAMLRequest").message();
        assertThat(toPortal.getNameID().getValue()).isEqualTo(atPortal.getSubject().getNameID().getValue());
        assertThat(toPortal.getSessionIndexes().get(0).getValue()).isEqualTo(atPortal.getAuthnStatements().get(0).getSessionIndex());

        HttpResponse<String> second = browser.get("/idp/profile/SAML2/Redirect/SLO?"
                + TestSp.redirectQuery("SAMLResponse", OpenSaml.toXml(success(PORTAL, toPortal)), null, PORTAL.credential));
        String toOtherUrl = second.headers().firstValue("Location").orElseThrow();
        assertThat(toOtherUrl).startsWith(OTHER.logoutUrl + "?SAMLRequest=");
        LogoutRequest toOther = (LogoutRequest) fromIdp(toOtherUrl, "SAMLRequest").message();
        assertThat(toOther.getNameID().getValue()).isEqualTo(atOther.getSubject().getNameID().getValue());

        HttpResponse<String> done = browser.get("/idp/profile/SAML2/Redirect/SLO?"
                + TestSp.redirectQuery("SAMLResponse", OpenSaml.toXml(success(OTHER, toOther)), null, OTHER.credential));
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("signed-out");
        HttpResponse<String> again = browser.get("/idp/profile/SAML2/Redirect/SSO?"
                + TestSp.redirectQuery(OpenSaml.toXml(PORTAL.authnRequest(redirectUrl(), null)), null, null));
        assertThat(again.headers().firstValue("Location")).hasValue("/idp/login");
    }

    static LogoutResponse success(TestSp sp, LogoutRequest request) {
        return answer(sp, request, StatusCode.SUCCESS);
    }

    static LogoutResponse answer(TestSp sp, LogoutRequest request, String statusCode) {
        LogoutResponse response = OpenSaml.build(LogoutResponse.DEFAULT_ELEMENT_NAME);
        response.setID("_" + UUID.randomUUID());
        response.setVersion(SAMLVersion.VERSION_20);
        response.setIssueInstant(Instant.now());
        response.setInResponseTo(request.getID());
        Issuer issuer = OpenSaml.build(Issuer.DEFAULT_ELEMENT_NAME);
        issuer.setValue(sp.entityId);
        response.setIssuer(issuer);
        Status status = OpenSaml.build(Status.DEFAULT_ELEMENT_NAME);
        StatusCode code = OpenSaml.build(StatusCode.DEFAULT_ELEMENT_NAME);
        code.setValue(statusCode);
        status.setStatusCode(code);
        response.setStatus(status);
        return response;
    }
}
