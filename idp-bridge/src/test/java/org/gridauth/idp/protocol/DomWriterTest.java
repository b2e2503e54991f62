package org.gridauth.idp.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.gridauth.idp.policy.ReleasedAttribute;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensaml.saml.saml2.core.NameIDType;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.support.SignatureValidator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The fast XML writer gives text that parses back to a Response whose signatures still verify, or declines. */
class DomWriterTest {

    @TempDir
    static java.nio.file.Path dir;

    private static BasicX509Credential idp;

    @BeforeAll
    static void keys() {
        OpenSaml.init();
        SigningKeys.generate(dir.resolve("idp.crt"), dir.resolve("idp.key"), "idp", Clock.systemUTC());
        idp = SigningKeys.load(dir.resolve("idp.crt"), dir.resolve("idp.key"));
    }

    @Test
    @DisplayName("R-IDP-1: a signed Response with escaped attribute values is written so that both signatures verify after parsing")
    void signedResponseRoundTrip() throws Exception {
        ResponseFactory factory = new ResponseFactory(new IdpEndpoints("https://idp.test/idp/shibboleth", "https://idp.test", "test"), idp,
                Clock.systemUTC());
        Response response = factory.success("_req", "https://sp.test", "https://sp.test/acs?a=1&b=2",
                new Subject(NameIDType.PERSISTENT, "id<&>\"'\t\r\nx", "_s", Instant.now(),
                        List.of(new ReleasedAttribute("urn:oid:2.5.4.4", "sn", List.of("O'Brien & <Sons> \"q\"\r\n\t", "山田")))),
                null, true);
        String xml = OpenSaml.toXml(response);
        String jdk = net.shibboleth.utilities.java.support.xml.SerializeSupport.nodeToString(response.getDOM());
        assertThat(DomWriter.write(response.getDOM())).isEqualTo(xml);

        Response parsed = (Response) OpenSaml.parse(xml.getBytes(StandardCharsets.UTF_8));
        BasicX509Credential verifier = new BasicX509Credential(idp.getEntityCertificate());
        SignatureValidator.validate(parsed.getSignature(), verifier);
        SignatureValidator.validate(parsed.getAssertions().get(0).getSignature(), verifier);
        assertThat(parsed.getAssertions().get(0).getSubject().getNameID().getValue()).isEqualTo("id<&>\"'\t\r\nx");
        Response viaJdk = (Response) OpenSaml.parse(jdk.getBytes(StandardCharsets.UTF_8));
        assertThat(org.gridauth.idp.testing.SamlResponses.attributes(parsed.getAssertions().get(0)))
                .isEqualTo(org.gridauth.idp.testing.SamlResponses.attributes(viaJdk.getAssertions().get(0)));
    }

    @Test
    @DisplayName("R-IDP-1: a DOM with an undeclared prefix or a comment is not written (the JDK serializer takes over)")
    void declines() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().newDocument();
        Element root = doc.createElementNS("urn:x", "x:root");
        doc.appendChild(root);
        assertThat(DomWriter.write(root)).isNull();
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:x", "urn:x");
        assertThat(DomWriter.write(root)).isEqualTo("<x:root xmlns:x=\"urn:x\"/>");
        root.appendChild(doc.createComment("c"));
        assertThat(DomWriter.write(root)).isNull();
    }
}
