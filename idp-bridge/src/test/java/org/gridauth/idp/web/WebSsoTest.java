package org.gridauth.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.gridauth.idp.policy.AttributeDefinitions;
import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.testing.Browser;
import org.gridauth.idp.testing.SamlResponses;
import org.gridauth.idp.testing.TestSp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.AuthnRequest;
import org.opensaml.saml.saml2.core.NameIDType;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.opensaml.xmlsec.signature.support.SignatureConstants;

class WebSsoTest extends IdpServerTestBase {

    private static final String SN = "urn:oid:2.5.4.4";
    private static final String GIVEN = "urn:oid:2.5.4.42";
    private static final String EPPN = "urn:oid:1.3.6.1.4.1.5923.1.1.1.6";
    private static final String ENTITLEMENT = "urn:oid:1.3.6.1.4.1.5923.1.1.1.7";

    @Test
    @DisplayName("R-IDP-1: an SP whose metadata does not set WantAssertionsSigned gets one signature, on the Response, covering the assertion")
    void responseSignatureOnly() throws Exception {
        Browser browser = new Browser(BASE);
        browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(PLAIN.authnRequest(redirectUrl(), null)), null, null));
        HttpResponse<String> answer = login(browser, "taro", TARO_PASSWORD);
        Response response = SamlResponses.decode(Browser.field(answer.body(), "SAMLResponse"));
        SamlResponses.verifyResponseSignature(response, idpCertificate());
        assertThat(response.getAssertions()).hasSize(1);
        assertThat(response.getAssertions().get(0).getSignature()).isNull();
        // The Response signature's reference is the whole Response, so it covers the assertion inside it.
        String xml = SamlResponses.xml(Browser.field(answer.body(), "SAMLResponse"));
        assertThat(xml.split("<ds:Signature[ >]")).hasSize(2);
        assertThat(xml.split("<ds:Reference ")).hasSize(2);
        assertThat(xml).contains("<ds:Reference URI=\"#" + response.getID() + "\"");
    }

    @Test
    @DisplayName("R-IDP-1, R-IDP-2, R-IDP-3: HTTP-Redirect AuthnRequest, LDAP login, signed Response with the HPCI attributes and never o/ou/jao/jaou")
    void redirectBindingFullFlow() throws Exception {
        Browser browser = new Browser(BASE);
        AuthnRequest request = PORTAL.authnRequest(redirectUrl(), null);
        HttpResponse<String> first = browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(request), "relay-42", null));
        assertThat(first.statusCode()).isEqualTo(302);
        assertThat(first.headers().firstValue("Location")).hasValue("/idp/login");

        HttpResponse<String> answer = login(browser, "taro", TARO_PASSWORD);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Browser.formAction(answer.body())).isEqualTo(PORTAL.acsUrl);
        assertThat(Browser.field(answer.body(), "RelayState")).isEqualTo("relay-42");

        Response response = SamlResponses.decode(Browser.field(answer.body(), "SAMLResponse"));
        SamlResponses.verifySignatures(response, idpCertificate());
        assertThat(response.getAssertions().get(0).getSignature().getSignatureAlgorithm()).isEqualTo(SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256);
        assertThat(response.getAssertions().get(0).getSignature().getCanonicalizationAlgorithm()).isEqualTo(SignatureConstants.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
        assertThat(response.getStatus().getStatusCode().getValue()).isEqualTo(StatusCode.SUCCESS);
        assertThat(response.getInResponseTo()).isEqualTo(request.getID());
        assertThat(response.getDestination()).isEqualTo(PORTAL.acsUrl);
        Assertion assertion = response.getAssertions().get(0);
        assertThat(assertion.getIssuer().getValue()).isEqualTo(BASE + "/idp/shibboleth");
        assertThat(assertion.getConditions().getAudienceRestrictions().get(0).getAudiences().get(0).getURI()).isEqualTo(PORTAL.entityId);
        SubjectConfirmation confirmation = assertion.getSubject().getSubjectConfirmations().get(0);
        assertThat(confirmation.getMethod()).isEqualTo(SubjectConfirmation.METHOD_BEARER);
        assertThat(confirmation.getSubjectConfirmationData().getRecipient()).isEqualTo(PORTAL.acsUrl);
        assertThat(confirmation.getSubjectConfirmationData().getInResponseTo()).isEqualTo(request.getID());
        assertThat(assertion.getSubject().getNameID().getFormat()).isEqualTo(NameIDType.PERSISTENT);
        assertThat(assertion.getSubject().getNameID().getSPNameQualifier()).isEqualTo(PORTAL.entityId);
        assertThat(assertion.getAuthnStatements().get(0).getSessionIndex()).isNotBlank();

        Map<String, List<String>> attributes = SamlResponses.attributes(assertion);
        assertThat(attributes).containsEntry(SN, List.of("Yamada")).containsEntry(GIVEN, List.of("Taro"))
                .containsEntry(AttributeDefinitions.HPCI_ID_NAME, List.of("hpci000001"))
                .containsEntry(EPPN, List.of("taro@hpci.example.jp"))
                .containsEntry(ENTITLEMENT, List.of("urn:mace:hpci.example.jp:entitlement:grid-user"));
        // The policy file lists o, ou, jao and jaou for this SP and taro has all four in the directory.
        assertThat(attributes).doesNotContainKeys("urn:oid:2.5.4.10", "urn:oid:2.5.4.11",
                "urn:oid:1.3.6.1.4.1.32264.1.1.4", "urn:oid:1.3.6.1.4.1.32264.1.1.5");
        String xml = SamlResponses.xml(Browser.field(answer.body(), "SAMLResponse"));
        assertThat(xml).doesNotContain("Example University", "例大学", "理学研究科", "Graduate School");
    }

    @Test
    @DisplayName("R-IDP-1: signed HTTP-POST AuthnRequest from an SP that must sign; transient NameID; default release policy")
    void signedPostBinding() throws Exception {
        Browser browser = new Browser(BASE);
        AuthnRequest request = SIGNING.authnRequest(postUrl(), NameIDType.TRANSIENT);
        SIGNING.signXml(request);
        HttpResponse<String> first = browser.post("/idp/profile/SAML2/POST/SSO",
                Map.of("SAMLRequest", TestSp.postEncode(OpenSaml.toXml(request))));
        assertThat(first.statusCode()).isEqualTo(302);
        HttpResponse<String> answer = login(browser, "taro", TARO_PASSWORD);
        Response response = SamlResponses.decode(Browser.field(answer.body(), "SAMLResponse"));
        SamlResponses.verifySignatures(response, idpCertificate());
        Assertion assertion = response.getAssertions().get(0);
        assertThat(assertion.getSubject().getNameID().getFormat()).isEqualTo(NameIDType.TRANSIENT);
        assertThat(SamlResponses.attributes(assertion)).containsOnlyKeys(EPPN);
        assertThat(Browser.field(answer.body(), "RelayState")).isNull();
    }

    @Test
    @DisplayName("R-IDP-1: to an SP with an encryption key the signed assertion is sent encrypted (AES-GCM, RSA-OAEP) and only that SP's key opens it")
    void encryptedAssertion() throws Exception {
        Browser browser = new Browser(BASE);
        browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(ENCRYPTING.authnRequest(redirectUrl(), null)), null, null));
        HttpResponse<String> answer = login(browser, "taro", TARO_PASSWORD);
        String field = Browser.field(answer.body(), "SAMLResponse");
        assertThat(SamlResponses.xml(field)).doesNotContain("taro@hpci.example.jp").contains("EncryptedAssertion");
        Response response = SamlResponses.decode(field);
        assertThat(response.getAssertions()).isEmpty();
        assertThat(response.getEncryptedAssertions()).hasSize(1);
        new org.opensaml.saml.security.impl.SAMLSignatureProfileValidator().validate(response.getSignature());
        org.opensaml.xmlsec.signature.support.SignatureValidator.validate(response.getSignature(),
                new org.opensaml.security.x509.BasicX509Credential(idpCertificate()));

        Assertion assertion = decrypt(response, ENCRYPTING.credential);
        new org.opensaml.saml.security.impl.SAMLSignatureProfileValidator().validate(assertion.getSignature());
        org.opensaml.xmlsec.signature.support.SignatureValidator.validate(assertion.getSignature(),
                new org.opensaml.security.x509.BasicX509Credential(idpCertificate()));
        assertThat(SamlResponses.attributes(assertion)).containsEntry(EPPN, List.of("taro@hpci.example.jp"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> decrypt(SamlResponses.decode(field), OTHER.credential))
                .isInstanceOf(org.opensaml.xmlsec.encryption.support.DecryptionException.class);
    }

    private static Assertion decrypt(Response response, org.opensaml.security.x509.BasicX509Credential key) throws Exception {
        org.opensaml.saml.saml2.encryption.Decrypter decrypter = new org.opensaml.saml.saml2.encryption.Decrypter(null,
                new org.opensaml.xmlsec.keyinfo.impl.StaticKeyInfoCredentialResolver(key),
                new org.opensaml.xmlsec.encryption.support.InlineEncryptedKeyResolver());
        decrypter.setRootInNewDocument(true);
        return decrypter.decrypt(response.getEncryptedAssertions().get(0));
    }

    @Test
    @DisplayName("R-IDP-1: a signed HTTP-Redirect AuthnRequest is accepted; the IdP session answers a second SP without a new login")
    void signedRedirectAndSessionReuse() throws Exception {
        Browser browser = new Browser(BASE);
        AuthnRequest request = SIGNING.authnRequest(redirectUrl(), null);
        HttpResponse<String> first = browser.get("/idp/profile/SAML2/Redirect/SSO?"
                + TestSp.redirectQuery(OpenSaml.toXml(request), "r", SIGNING.credential));
        assertThat(first.statusCode()).isEqualTo(302);
        HttpResponse<String> answer = login(browser, "taro", TARO_PASSWORD);
        Response one = SamlResponses.decode(Browser.field(answer.body(), "SAMLResponse"));

        AuthnRequest second = OTHER.authnRequest(redirectUrl(), null);
        HttpResponse<String> direct = browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(second), null, null));
        assertThat(direct.statusCode()).isEqualTo(200);
        Response two = SamlResponses.decode(Browser.field(direct.body(), "SAMLResponse"));
        SamlResponses.verifySignatures(two, idpCertificate());
        assertThat(two.getInResponseTo()).isEqualTo(second.getID());
        assertThat(two.getAssertions().get(0).getAuthnStatements().get(0).getSessionIndex())
                .isEqualTo(one.getAssertions().get(0).getAuthnStatements().get(0).getSessionIndex());
        // Persistent IDs differ between SPs: no correlation of one user across services.
        assertThat(two.getAssertions().get(0).getSubject().getNameID().getValue())
                .isNotEqualTo(one.getAssertions().get(0).getSubject().getNameID().getValue());
    }

    @Test
    @DisplayName("R-IDP-1: the persistent NameID for one SP is the same in every session; transient ones never repeat")
    void persistentIsStableTransientIsNot() throws Exception {
        String p1 = nameId(PORTAL, null);
        String p2 = nameId(PORTAL, null);
        String t1 = nameId(PORTAL, NameIDType.TRANSIENT);
        String t2 = nameId(PORTAL, NameIDType.TRANSIENT);
        assertThat(p1).isEqualTo(p2).doesNotContain("taro");
        assertThat(t1).isNotEqualTo(t2).isNotEqualTo(p1);
    }

    private static String nameId(TestSp sp, String format) throws Exception {
        Browser browser = new Browser(BASE);
        browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(sp.authnRequest(redirectUrl(), format)), null, null));
        HttpResponse<String> answer = login(browser, "taro", TARO_PASSWORD);
        return SamlResponses.decode(Browser.field(answer.body(), "SAMLResponse")).getAssertions().get(0).getSubject().getNameID().getValue();
    }

    @Test
    @DisplayName("R-IDP-1: the login page is in Japanese for a Japanese browser and in English on request")
    void loginPageLanguages() {
        Browser browser = new Browser(BASE);
        browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(PORTAL.authnRequest(redirectUrl(), null)), null, null));
        HttpResponse<String> ja = browser.getWithLanguage("/idp/login", "ja,en;q=0.5");
        assertThat(ja.body()).contains("lang=\"ja\"", "パスワード", "サインイン");
        HttpResponse<String> en = browser.getWithLanguage("/idp/login?lang=en", "ja");
        assertThat(en.body()).contains("lang=\"en\"", "Password", "Sign in");
    }

    @Test
    @DisplayName("R-IDP-5: a suspended or deleted account cannot sign in and is told so; a wrong password says only that")
    void accountStates() {
        assertThat(attempt("jiro", "jiro-demo-Pass3")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("GA-IDP-011", "suspended").doesNotContain("SAMLResponse");
        });
        assertThat(attempt("saburo", "saburo-demo-Pass4")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("GA-IDP-012", "deleted").doesNotContain("SAMLResponse");
        });
        // The state is only revealed after the right password.
        assertThat(attempt("jiro", "wrong-password")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("GA-IDP-009").doesNotContain("GA-IDP-011");
        });
    }

    @Test
    @DisplayName("R-IDP-1: LDAP filter metacharacters in the user name never match another account")
    void ldapInjection() {
        for (String username : List.of("*", "taro)(uid=*", "*)(|(uid=*", "ta*", "taro\u0000", "taro)(|(objectClass=*)")) {
            HttpResponse<String> r = attempt(username, TARO_PASSWORD);
            assertThat(r.statusCode()).as(username).isEqualTo(401);
            assertThat(r.body()).contains("GA-IDP-009").doesNotContain("SAMLResponse");
        }
    }

    @Test
    @DisplayName("R-IDP-1: after repeated failures an account is throttled even with the right password")
    void throttling() {
        for (int i = 0; i < 3; i++) {
            assertThat(attempt("hanako", "wrong-" + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> blocked = attempt("hanako", "hanako-demo-Pass2");
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.body()).contains("GA-IDP-010").doesNotContain("SAMLResponse");
    }

    private static HttpResponse<String> attempt(String username, String password) {
        Browser browser = new Browser(BASE);
        browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(OTHER.authnRequest(redirectUrl(), null)), null, null));
        return login(browser, username, password);
    }

    @Test
    @DisplayName("R-IDP-1: the login form refuses a post without the page's CSRF token")
    void csrf() {
        Browser browser = new Browser(BASE);
        browser.get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(OpenSaml.toXml(OTHER.authnRequest(redirectUrl(), null)), null, null));
        HttpResponse<String> r = browser.post("/idp/login", Map.of("csrf", "forged", "username", "taro", "password", TARO_PASSWORD));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("GA-IDP-017").doesNotContain("SAMLResponse");
    }
}
