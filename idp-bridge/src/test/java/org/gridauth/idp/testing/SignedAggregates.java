package org.gridauth.idp.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.gridauth.idp.protocol.OpenSaml;
import org.opensaml.saml.common.SAMLObjectContentReference;
import org.opensaml.saml.saml2.metadata.EntitiesDescriptor;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.Signer;

/** Federation metadata aggregates signed like a federation operator signs them. */
public final class SignedAggregates {

    private SignedAggregates() {
    }

    /** A signed aggregate with the given IdP entityIDs. */
    public static byte[] aggregate(BasicX509Credential signer, Instant validUntil, Duration cacheDuration, String... entityIds) throws Exception {
        return aggregate(signer, validUntil, cacheDuration, java.util.List.of(entityIds), java.util.List.of());
    }

    /** A signed aggregate with the given IdP entityIDs and SP EntityDescriptors (XML, e.g. {@link TestSp#metadataXml()}). */
    public static byte[] aggregate(BasicX509Credential signer, Instant validUntil, Duration cacheDuration, java.util.List<String> entityIds,
                                   java.util.List<String> spEntityDescriptors) throws Exception {
        StringBuilder xml = new StringBuilder("<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" ID=\"_fed"
                + System.nanoTime() + "\" Name=\"urn:test:federation\">");
        for (String id : entityIds) {
            xml.append("<md:EntityDescriptor entityID=\"").append(id).append("\"><md:IDPSSODescriptor protocolSupportEnumeration=")
                    .append("\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:SingleSignOnService Binding=")
                    .append("\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"").append(id)
                    .append("/sso\"/></md:IDPSSODescriptor></md:EntityDescriptor>");
        }
        spEntityDescriptors.forEach(xml::append);
        xml.append("</md:EntitiesDescriptor>");
        EntitiesDescriptor root = (EntitiesDescriptor) OpenSaml.parse(xml.toString().getBytes(StandardCharsets.UTF_8));
        root.releaseDOM();
        root.setValidUntil(validUntil);
        root.setCacheDuration(cacheDuration);
        if (signer != null) {
            Signature signature = OpenSaml.build(Signature.DEFAULT_ELEMENT_NAME);
            signature.setSigningCredential(signer);
            signature.setSignatureAlgorithm(SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256);
            signature.setCanonicalizationAlgorithm(SignatureConstants.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
            root.setSignature(signature);
            ((SAMLObjectContentReference) signature.getContentReferences().get(0)).setDigestAlgorithm(SignatureConstants.ALGO_ID_DIGEST_SHA256);
            OpenSaml.marshall(root);
            Signer.signObject(signature);
        }
        return OpenSaml.toXml(root).getBytes(StandardCharsets.UTF_8);
    }

}
