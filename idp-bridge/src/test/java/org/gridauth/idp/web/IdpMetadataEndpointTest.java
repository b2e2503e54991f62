package org.gridauth.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

import javax.xml.transform.dom.DOMSource;

import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.testing.Browser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.common.xml.SAMLSchemaBuilder;
import org.opensaml.saml.saml2.core.NameIDType;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.saml2.metadata.IDPSSODescriptor;
import org.opensaml.saml.saml2.metadata.NameIDFormat;
import org.opensaml.saml.saml2.metadata.SingleSignOnService;
import org.w3c.dom.Document;

class IdpMetadataEndpointTest extends IdpServerTestBase {

    @Test
    @DisplayName("R-IDP-4: the IdP metadata at /idp/shibboleth is schema-valid SAML metadata with the signing key, both SSO bindings and shibmd:Scope")
    void metadata() throws Exception {
        HttpResponse<String> response = new Browser(BASE).get("/idp/shibboleth");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/samlmetadata+xml"));
        byte[] xml = response.body().getBytes(StandardCharsets.UTF_8);

        Document document = OpenSaml.parserPool().parse(new ByteArrayInputStream(xml));
        new SAMLSchemaBuilder(SAMLSchemaBuilder.SAML1Version.SAML_11).getSAMLSchema().newValidator().validate(new DOMSource(document));

        EntityDescriptor entity = (EntityDescriptor) OpenSaml.parse(xml);
        assertThat(entity.getEntityID()).isEqualTo(BASE + "/idp/shibboleth");
        IDPSSODescriptor idp = entity.getIDPSSODescriptor(SAMLConstants.SAML20P_NS);
        assertThat(idp.getSingleSignOnServices()).extracting(SingleSignOnService::getBinding, SingleSignOnService::getLocation)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(SAMLConstants.SAML2_REDIRECT_BINDING_URI, BASE + "/idp/profile/SAML2/Redirect/SSO"),
                        org.assertj.core.groups.Tuple.tuple(SAMLConstants.SAML2_POST_BINDING_URI, BASE + "/idp/profile/SAML2/POST/SSO"));
        assertThat(idp.getSingleLogoutServices()).extracting(org.opensaml.saml.saml2.metadata.SingleLogoutService::getBinding,
                        org.opensaml.saml.saml2.metadata.SingleLogoutService::getLocation)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", BASE + "/idp/profile/SAML2/Redirect/SLO"),
                        org.assertj.core.groups.Tuple.tuple("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", BASE + "/idp/profile/SAML2/POST/SLO"));
        assertThat(idp.getNameIDFormats()).extracting(NameIDFormat::getURI).containsExactly(NameIDType.PERSISTENT, NameIDType.TRANSIENT);
        String certificate = idp.getKeyDescriptors().get(0).getKeyInfo().getX509Datas().get(0).getX509Certificates().get(0).getValue();
        X509Certificate published = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getMimeDecoder().decode(certificate)));
        assertThat(published).isEqualTo(idpCertificate());
        assertThat(response.body()).contains("urn:mace:shibboleth:metadata:1.0", ">hpci.example.jp</shibmd:Scope>");
        assertThat(new Browser(BASE).get("/idp/metadata").body()).isEqualTo(response.body());
    }
}
