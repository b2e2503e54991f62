package org.gridauth.idp.protocol;

import java.security.cert.CertificateEncodingException;
import java.util.Base64;

import javax.xml.namespace.QName;

import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.core.xml.schema.XSAny;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.ext.saml2mdui.DisplayName;
import org.opensaml.saml.ext.saml2mdui.UIInfo;
import org.opensaml.saml.saml2.core.NameIDType;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.saml2.metadata.Extensions;
import org.opensaml.saml.saml2.metadata.IDPSSODescriptor;
import org.opensaml.saml.saml2.metadata.KeyDescriptor;
import org.opensaml.saml.saml2.metadata.NameIDFormat;
import org.opensaml.saml.saml2.metadata.SingleLogoutService;
import org.opensaml.saml.saml2.metadata.SingleSignOnService;
import org.opensaml.security.credential.UsageType;
import org.opensaml.security.x509.X509Credential;
import org.opensaml.xmlsec.signature.KeyInfo;
import org.opensaml.xmlsec.signature.X509Certificate;
import org.opensaml.xmlsec.signature.X509Data;

/**
 * The IdP's own SAML metadata: entityID, signing certificate, SSO endpoints (HTTP-Redirect and HTTP-POST), the
 * NameID formats it issues and the shibmd:Scope a Shibboleth SP needs to accept scoped attributes such as ePPN.
 */
public final class IdpMetadata {

    public static final String SHIBMD_NS = "urn:mace:shibboleth:metadata:1.0";

    private IdpMetadata() {
    }

    public static EntityDescriptor build(IdpEndpoints endpoints, X509Credential signing, java.util.Map<String, String> displayNames) {
        EntityDescriptor entity = OpenSaml.build(EntityDescriptor.DEFAULT_ELEMENT_NAME);
        entity.setEntityID(endpoints.entityId());

        IDPSSODescriptor idp = OpenSaml.build(IDPSSODescriptor.DEFAULT_ELEMENT_NAME);
        idp.addSupportedProtocol(SAMLConstants.SAML20P_NS);
        idp.setWantAuthnRequestsSigned(false);

        Extensions extensions = OpenSaml.build(Extensions.DEFAULT_ELEMENT_NAME);
        XSAny scope = (XSAny) XMLObjectProviderRegistrySupport.getBuilderFactory().getBuilder(XSAny.TYPE_NAME)
                .buildObject(SHIBMD_NS, "Scope", "shibmd");
        scope.getUnknownAttributes().put(new QName("regexp"), "false");
        scope.setTextContent(endpoints.scope());
        extensions.getUnknownXMLObjects().add(scope);
        if (!displayNames.isEmpty()) {
            UIInfo ui = OpenSaml.build(UIInfo.DEFAULT_ELEMENT_NAME);
            displayNames.forEach((lang, text) -> {
                DisplayName name = OpenSaml.build(DisplayName.DEFAULT_ELEMENT_NAME);
                name.setXMLLang(lang);
                name.setValue(text);
                ui.getDisplayNames().add(name);
            });
            extensions.getUnknownXMLObjects().add(ui);
        }
        idp.setExtensions(extensions);

        KeyDescriptor key = OpenSaml.build(KeyDescriptor.DEFAULT_ELEMENT_NAME);
        key.setUse(UsageType.SIGNING);
        KeyInfo keyInfo = OpenSaml.build(KeyInfo.DEFAULT_ELEMENT_NAME);
        X509Data data = OpenSaml.build(X509Data.DEFAULT_ELEMENT_NAME);
        X509Certificate certificate = OpenSaml.build(X509Certificate.DEFAULT_ELEMENT_NAME);
        try {
            certificate.setValue(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(signing.getEntityCertificate().getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("the signing certificate cannot be encoded", e);
        }
        data.getX509Certificates().add(certificate);
        keyInfo.getX509Datas().add(data);
        key.setKeyInfo(keyInfo);
        idp.getKeyDescriptors().add(key);

        SingleLogoutService slo = OpenSaml.build(SingleLogoutService.DEFAULT_ELEMENT_NAME);
        slo.setBinding(SAMLConstants.SAML2_REDIRECT_BINDING_URI);
        slo.setLocation(endpoints.sloRedirectUrl());
        idp.getSingleLogoutServices().add(slo);
        SingleLogoutService sloPost = OpenSaml.build(SingleLogoutService.DEFAULT_ELEMENT_NAME);
        sloPost.setBinding(SAMLConstants.SAML2_POST_BINDING_URI);
        sloPost.setLocation(endpoints.sloPostUrl());
        idp.getSingleLogoutServices().add(sloPost);
        for (String format : new String[] {NameIDType.PERSISTENT, NameIDType.TRANSIENT}) {
            NameIDFormat nameIdFormat = OpenSaml.build(NameIDFormat.DEFAULT_ELEMENT_NAME);
            nameIdFormat.setURI(format);
            idp.getNameIDFormats().add(nameIdFormat);
        }
        idp.getSingleSignOnServices().add(sso(SAMLConstants.SAML2_REDIRECT_BINDING_URI, endpoints.ssoRedirectUrl()));
        idp.getSingleSignOnServices().add(sso(SAMLConstants.SAML2_POST_BINDING_URI, endpoints.ssoPostUrl()));
        entity.getRoleDescriptors().add(idp);
        return entity;
    }

    private static SingleSignOnService sso(String binding, String location) {
        SingleSignOnService service = OpenSaml.build(SingleSignOnService.DEFAULT_ELEMENT_NAME);
        service.setBinding(binding);
        service.setLocation(location);
        return service;
    }
}
