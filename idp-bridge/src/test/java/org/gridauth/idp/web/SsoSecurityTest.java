package org.gridauth.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.testing.Browser;
import org.gridauth.idp.testing.TestSp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.saml2.core.AuthnRequest;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Bad and hostile AuthnRequests: each is refused with a clear GA-IDP error page and an audit record. */
class SsoSecurityTest extends IdpServerTestBase {

    private static final String SAMLP = SAMLConstants.SAML20P_NS;

    private static HttpResponse<String> redirect(String xml) {
        return new Browser(BASE).get("/idp/profile/SAML2/Redirect/SSO?" + TestSp.redirectQuery(xml, null, null));
    }

    private static HttpResponse<String> post(String xml) {
        return new Browser(BASE).post("/idp/profile/SAML2/POST/SSO", Map.of("SAMLRequest", TestSp.postEncode(xml)));
    }

    private static HttpResponse<String> assertRefused(java.util.function.Supplier<HttpResponse<String>> request, int status, String code)
            throws Exception {
        Path log = Path.of("target/test-idp.log");
        String record = "event=request-refused code=\"" + code + "\"";
        long before = Files.exists(log) ? count(Files.readString(log), record) : 0;
        HttpResponse<String> response = request.get();
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.body()).contains(code).doesNotContain("SAMLResponse");
        assertThat(response.headers().firstValue("Location")).isEmpty();
        assertThat(count(Files.readString(log), record)).as("one new audit record " + record).isEqualTo(before + 1);
        return response;
    }

    private static long count(String text, String needle) {
        long n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    @DisplayName("R-IDP-1: a request from an SP without metadata here is refused (GA-IDP-001)")
    void unknownSp() throws Exception {
        TestSp stranger = new TestSp(DIR, "https://stranger.test/sp", "https://stranger.test/acs", false);
        assertRefused(() -> redirect(OpenSaml.toXml(stranger.authnRequest(redirectUrl(), null))), 400, "GA-IDP-001");
    }

    @Test
    @DisplayName("R-IDP-1: an AssertionConsumerService URL not in the SP's metadata is refused (GA-IDP-002)")
    void acsNotInMetadata() throws Exception {
        AuthnRequest request = PORTAL.authnRequest(redirectUrl(), null);
        request.setAssertionConsumerServiceURL("https://attacker.test/collect");
        assertRefused(() -> redirect(OpenSaml.toXml(request)), 400, "GA-IDP-002");
        AuthnRequest byIndex = PORTAL.authnRequest(redirectUrl(), null);
        byIndex.setAssertionConsumerServiceURL(null);
        byIndex.setProtocolBinding(null);
        byIndex.setAssertionConsumerServiceIndex(7);
        assertRefused(() -> redirect(OpenSaml.toXml(byIndex)), 400, "GA-IDP-002");
    }

    @Test
    @DisplayName("R-IDP-1: a response binding other than HTTP-POST is refused (GA-IDP-019)")
    void artifactBinding() throws Exception {
        AuthnRequest request = PORTAL.authnRequest(redirectUrl(), null);
        request.setProtocolBinding(SAMLConstants.SAML2_ARTIFACT_BINDING_URI);
        request.setAssertionConsumerServiceURL(PORTAL.acsUrl + "/artifact");
        assertRefused(() -> redirect(OpenSaml.toXml(request)), 400, "GA-IDP-019");
    }

    @Test
    @DisplayName("R-IDP-1: a replayed AuthnRequest is refused the second time (GA-IDP-007)")
    void replay() throws Exception {
        String xml = OpenSaml.toXml(PORTAL.authnRequest(redirectUrl(), null));
        assertThat(redirect(xml).statusCode()).isEqualTo(302);
        assertRefused(() -> redirect(xml), 400, "GA-IDP-007");
    }

    @Test
    @DisplayName("R-IDP-1: an AuthnRequest issued an hour ago or in the future is refused (GA-IDP-008)")
    void stale() throws Exception {
        AuthnRequest old = PORTAL.authnRequest(redirectUrl(), null);
        old.setIssueInstant(Instant.now().minusSeconds(3600));
        assertRefused(() -> redirect(OpenSaml.toXml(old)), 400, "GA-IDP-008");
        AuthnRequest future = PORTAL.authnRequest(redirectUrl(), null);
        future.setIssueInstant(Instant.now().plusSeconds(3600));
        assertRefused(() -> redirect(OpenSaml.toXml(future)), 400, "GA-IDP-008");
    }

    @Test
    @DisplayName("R-IDP-1: a Destination other than this endpoint is refused (GA-IDP-003)")
    void wrongDestination() throws Exception {
        assertRefused(() -> redirect(OpenSaml.toXml(PORTAL.authnRequest("https://other-idp.test/sso", null))), 400, "GA-IDP-003");
    }

    @Test
    @DisplayName("R-IDP-1: an unsigned request from an SP whose metadata says AuthnRequestsSigned is refused on both bindings (GA-IDP-005)")
    void unsignedWhenRequired() throws Exception {
        assertRefused(() -> redirect(OpenSaml.toXml(SIGNING.authnRequest(redirectUrl(), null))), 400, "GA-IDP-005");
        assertRefused(() -> post(OpenSaml.toXml(SIGNING.authnRequest(postUrl(), null))), 400, "GA-IDP-005");
    }

    @Test
    @DisplayName("R-IDP-1: requests signed with a key not in the SP's metadata are refused (GA-IDP-006)")
    void wrongKey() throws Exception {
        AuthnRequest xmlSigned = SIGNING.authnRequest(postUrl(), null);
        TestSp.signXml(xmlSigned, OTHER.credential);
        assertRefused(() -> post(OpenSaml.toXml(xmlSigned)), 400, "GA-IDP-006");
        String query = TestSp.redirectQuery(OpenSaml.toXml(SIGNING.authnRequest(redirectUrl(), null)), null, OTHER.credential);
        assertRefused(() -> new Browser(BASE).get("/idp/profile/SAML2/Redirect/SSO?" + query), 400, "GA-IDP-006");
    }

    @Test
    @DisplayName("R-IDP-1: a signed request changed after signing (ACS URL, or RelayState of a signed redirect) is refused (GA-IDP-006)")
    void tampered() throws Exception {
        AuthnRequest request = SIGNING.authnRequest(postUrl(), null);
        SIGNING.signXml(request);
        String xml = OpenSaml.toXml(request).replace(SIGNING.acsUrl, SIGNING.acsUrl + "x");
        assertRefused(() -> post(xml), 400, "GA-IDP-006");
        String query = TestSp.redirectQuery(OpenSaml.toXml(SIGNING.authnRequest(redirectUrl(), null)), "good", SIGNING.credential);
        assertRefused(() -> new Browser(BASE).get("/idp/profile/SAML2/Redirect/SSO?" + query.replace("RelayState=good", "RelayState=evil")), 400, "GA-IDP-006");
    }

    @Test
    @DisplayName("R-IDP-1: XML signature wrapping: the signed request moved into Extensions under a forged root is refused (XSW shape 1, unsigned root)")
    void xswSignedRequestInsideExtensions() throws Exception {
        Document signed = signedRequestDom();
        Document forged = forgedRootWrapping(signed, false, false);
        String xml = serialize(forged);
        assertRefused(() -> post(xml), 400, "GA-IDP-005");
    }

    @Test
    @DisplayName("R-IDP-1: XML signature wrapping: the signature moved to a forged root with a new ID is refused (XSW shape 2)")
    void xswSignatureOnForgedRootNewId() throws Exception {
        Document forged = forgedRootWrapping(signedRequestDom(), true, false);
        String xml = serialize(forged);
        assertRefused(() -> post(xml), 400, "GA-IDP-006");
    }

    @Test
    @DisplayName("R-IDP-1: XML signature wrapping: a forged root reusing the signed request's ID and signature is refused (XSW shape 3)")
    void xswForgedRootSameId() throws Exception {
        Document forged = forgedRootWrapping(signedRequestDom(), true, true);
        String xml = serialize(forged);
        assertRefused(() -> post(xml), 400, "GA-IDP-006");
    }

    @Test
    @DisplayName("R-IDP-1: XML signature wrapping: a forged copy placed inside the signature's Object is ignored and the signature still binds the root (XSW shape 4)")
    void xswForgedCopyInObject() throws Exception {
        Document signed = signedRequestDom();
        Element root = signed.getDocumentElement();
        Element signature = (Element) root.getElementsByTagNameNS("http://www.w3.org/2000/09/xmldsig#", "Signature").item(0);
        Element object = signed.createElementNS("http://www.w3.org/2000/09/xmldsig#", "ds:Object");
        Element copy = (Element) root.cloneNode(true);
        object.appendChild(copy);
        signature.appendChild(object);
        root.setAttribute("AssertionConsumerServiceURL", "https://attacker.test/collect");
        String xml = serialize(signed);
        assertRefused(() -> post(xml), 400, "GA-IDP-006");
    }

    private static Document signedRequestDom() throws Exception {
        AuthnRequest request = SIGNING.authnRequest(postUrl(), null);
        SIGNING.signXml(request);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(OpenSaml.toXml(request).getBytes(StandardCharsets.UTF_8)));
    }

    /** A new root AuthnRequest asking for the attacker's ACS, with the original signed request inside its Extensions. */
    private static Document forgedRootWrapping(Document signed, boolean moveSignature, boolean sameId) {
        Element original = signed.getDocumentElement();
        Element forged = (Element) original.cloneNode(false);
        forged.setAttribute("ID", sameId ? original.getAttribute("ID") : "_forged" + System.nanoTime());
        forged.setAttribute("AssertionConsumerServiceURL", "https://attacker.test/collect");
        for (Node child = original.getFirstChild(); child != null; child = child.getNextSibling()) {
            if ("Issuer".equals(child.getLocalName())) {
                forged.appendChild(child.cloneNode(true));
            }
        }
        Element signature = (Element) original.getElementsByTagNameNS("http://www.w3.org/2000/09/xmldsig#", "Signature").item(0);
        if (moveSignature) {
            forged.appendChild(signature.cloneNode(true));
            original.removeChild(signature);
        }
        Element extensions = signed.createElementNS(SAMLP, "samlp:Extensions");
        signed.replaceChild(forged, original);
        extensions.appendChild(original);
        forged.appendChild(extensions);
        return signed;
    }

    private static String serialize(Document document) throws Exception {
        StringWriter out = new StringWriter();
        TransformerFactory.newInstance().newTransformer().transform(new DOMSource(document), new StreamResult(out));
        return out.toString();
    }

    @Test
    @DisplayName("R-IDP-1: XXE: an external entity in a posted request is refused without reading the file (GA-IDP-003)")
    void xxe() throws Exception {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + OpenSaml.toXml(PORTAL.authnRequest(postUrl(), null)).replaceFirst("<saml2:Issuer([^>]*)>", "<saml2:Issuer$1>&x;");
        HttpResponse<String> response = assertRefused(() -> post(xml), 400, "GA-IDP-003");
        assertThat(response.body()).contains("DOCTYPE").doesNotContain("root:");
    }

    @Test
    @DisplayName("R-IDP-1: entity expansion (billion laughs) in a posted request is refused at once (GA-IDP-003)")
    void billionLaughs() throws Exception {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE r [<!ENTITY a0 \"lol\">");
        for (int i = 1; i < 10; i++) {
            dtd.append("<!ENTITY a").append(i).append(" \"").append(("&a" + (i - 1) + ";").repeat(10)).append("\">");
        }
        dtd.append("]>");
        String xml = dtd + OpenSaml.toXml(PORTAL.authnRequest(postUrl(), null)).replaceFirst("<saml2:Issuer([^>]*)>", "<saml2:Issuer$1>&a9;");
        long start = System.nanoTime();
        assertRefused(() -> post(xml), 400, "GA-IDP-003");
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }

    @Test
    @DisplayName("R-IDP-1: an oversized posted request is refused before parsing (GA-IDP-004)")
    void oversizedPost() throws Exception {
        String padding = "<!--" + "x".repeat(40_000) + "-->";
        assertRefused(() -> post(padding + OpenSaml.toXml(PORTAL.authnRequest(postUrl(), null))), 413, "GA-IDP-004");
    }

    @Test
    @DisplayName("R-IDP-1: a deflate bomb on the redirect binding stops at the inflated-size limit (GA-IDP-004)")
    void deflateBomb() throws Exception {
        byte[] bomb = TestSp.deflate(("<x>" + " ".repeat(20_000_000) + "</x>").getBytes(StandardCharsets.US_ASCII));
        assertThat(bomb.length).isLessThan(32_768);
        String query = "SAMLRequest=" + TestSp.url(Base64.getEncoder().encodeToString(bomb));
        assertRefused(() -> new Browser(BASE).get("/idp/profile/SAML2/Redirect/SSO?" + query), 413, "GA-IDP-004");
    }

    @Test
    @DisplayName("R-IDP-1: garbage instead of a request gives an error page, not a stack trace (GA-IDP-003)")
    void garbage() throws Exception {
        assertRefused(() -> new Browser(BASE).get("/idp/profile/SAML2/Redirect/SSO?SAMLRequest=%25%25%25"), 400, "GA-IDP-003");
        assertRefused(() -> new Browser(BASE).post("/idp/profile/SAML2/POST/SSO", Map.of("SAMLRequest", "bm90IHhtbA==")), 400, "GA-IDP-003");
        assertRefused(() -> new Browser(BASE).get("/idp/profile/SAML2/Redirect/SSO"), 400, "GA-IDP-003");
    }
}
