package org.gridauth.idp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.protocol.SigningKeys;
import org.opensaml.saml.common.SAMLObjectContentReference;
import org.opensaml.saml.common.SAMLVersion;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.saml2.core.AuthnRequest;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.NameIDPolicy;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.keyinfo.impl.X509KeyInfoGeneratorFactory;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.Signer;

/**
 * A test SP: its own key and certificate, its metadata (written to a file for the IdP), and AuthnRequests built
 * with OpenSAML and encoded for the HTTP-Redirect and HTTP-POST bindings, signed or not.
 */
public final class TestSp {

    public final String entityId;
    public final String acsUrl;
    /** Where the discovery service may send the user back (idpdisco:DiscoveryResponse). */
    public final String discoveryUrl;
    /** Its SingleLogoutService (HTTP-Redirect). */
    public final String logoutUrl;
    public final BasicX509Credential credential;
    private final boolean signsRequests;
    private final String keyUse;
    private boolean wantAssertionsSigned = true;
    private String extraLogoutServices = "";

    public TestSp(Path dir, String entityId, String acsUrl, boolean signsRequests) {
        this(dir, entityId, acsUrl, signsRequests, false);
    }

    /** With {@code encryption}, the metadata key has no use attribute, so the IdP encrypts assertions to it. */
    public TestSp(Path dir, String entityId, String acsUrl, boolean signsRequests, boolean encryption) {
        this.keyUse = encryption ? "" : " use=\"signing\"";
        this.entityId = entityId;
        this.acsUrl = acsUrl;
        int shibboleth = acsUrl.indexOf("/Shibboleth.sso/");
        this.discoveryUrl = shibboleth >= 0 ? acsUrl.substring(0, shibboleth) + "/Shibboleth.sso/Login" : acsUrl.replaceFirst("/[^/]*$", "/Login");
        this.logoutUrl = shibboleth >= 0 ? acsUrl.substring(0, shibboleth) + "/Shibboleth.sso/SLO/Redirect" : acsUrl.replaceFirst("/[^/]*$", "/slo");
        this.signsRequests = signsRequests;
        String name = entityId.replaceAll("[^A-Za-z0-9]", "_");
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        SigningKeys.generate(cert, key, "sp", Clock.systemUTC());
        this.credential = SigningKeys.load(cert, key);
    }

    /** Metadata without WantAssertionsSigned, as Shibboleth SP's generated metadata: the IdP then signs only the Response. */
    public TestSp responseSignatureOnly() {
        this.wantAssertionsSigned = false;
        return this;
    }

    /** Only an HTTP-POST SingleLogoutService at {@link #logoutUrl} (no HTTP-Redirect one). */
    public TestSp postLogoutOnly() {
        this.extraLogoutServices = "post-only";
        return this;
    }

    public String metadataXml() {
        try {
            String cert = Base64.getEncoder().encodeToString(credential.getEntityCertificate().getEncoded());
            return """
                    <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="%s">
                      <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" AuthnRequestsSigned="%s"%s>
                        <md:Extensions><idpdisco:DiscoveryResponse xmlns:idpdisco="urn:oasis:names:tc:SAML:profiles:SSO:idp-discovery-protocol" Binding="urn:oasis:names:tc:SAML:profiles:SSO:idp-discovery-protocol" Location="%s" index="1"/></md:Extensions>
                        <md:KeyDescriptor%s><ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
                        <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:%s" Location="%s"/>
                        <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
                        <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="%s" index="1" isDefault="true"/>
                        <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="%s/artifact" index="2"/>
                      </md:SPSSODescriptor>
                    </md:EntityDescriptor>
                    """.formatted(entityId, signsRequests, wantAssertionsSigned ? " WantAssertionsSigned=\"true\"" : "", discoveryUrl, keyUse, cert,
                    extraLogoutServices.equals("post-only") ? "HTTP-POST" : "HTTP-Redirect", logoutUrl, acsUrl, acsUrl);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path writeMetadata(Path dir) throws IOException {
        Path file = dir.resolve(entityId.replaceAll("[^A-Za-z0-9]", "_") + "-metadata.xml");
        Files.writeString(file, metadataXml());
        return file;
    }

    /** A fresh AuthnRequest to the given IdP endpoint asking for a POST response at this SP's ACS. */
    public AuthnRequest authnRequest(String destination, String nameIdFormat) {
        AuthnRequest request = OpenSaml.build(AuthnRequest.DEFAULT_ELEMENT_NAME);
        request.setID("_" + UUID.randomUUID());
        request.setVersion(SAMLVersion.VERSION_20);
        request.setIssueInstant(Instant.now());
        request.setDestination(destination);
        request.setProtocolBinding(SAMLConstants.SAML2_POST_BINDING_URI);
        request.setAssertionConsumerServiceURL(acsUrl);
        Issuer issuer = OpenSaml.build(Issuer.DEFAULT_ELEMENT_NAME);
        issuer.setValue(entityId);
        request.setIssuer(issuer);
        if (nameIdFormat != null) {
            NameIDPolicy policy = OpenSaml.build(NameIDPolicy.DEFAULT_ELEMENT_NAME);
            policy.setFormat(nameIdFormat);
            policy.setAllowCreate(true);
            request.setNameIDPolicy(policy);
        }
        return request;
    }

    /** Signs the request with an enveloped XML signature (HTTP-POST binding) using the given credential. */
    public static void signXml(org.opensaml.saml.common.SignableSAMLObject request, BasicX509Credential with) {
        org.opensaml.xmlsec.signature.Signature signature = OpenSaml.build(org.opensaml.xmlsec.signature.Signature.DEFAULT_ELEMENT_NAME);
        signature.setSigningCredential(with);
        signature.setSignatureAlgorithm(SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256);
        signature.setCanonicalizationAlgorithm(SignatureConstants.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
        try {
            X509KeyInfoGeneratorFactory keyInfo = new X509KeyInfoGeneratorFactory();
            keyInfo.setEmitEntityCertificate(true);
            signature.setKeyInfo(keyInfo.newInstance().generate(with));
            request.setSignature(signature);
            ((SAMLObjectContentReference) signature.getContentReferences().get(0)).setDigestAlgorithm(SignatureConstants.ALGO_ID_DIGEST_SHA256);
            OpenSaml.marshall(request);
            Signer.signObject(signature);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public void signXml(AuthnRequest request) {
        signXml(request, credential);
    }

    /** The base64 form field of the HTTP-POST binding. */
    public static String postEncode(String xml) {
        return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
    }

    /** The HTTP-Redirect query string, signed with {@code signer} when it is not null. */
    public static String redirectQuery(String xml, String relayState, BasicX509Credential signer) {
        return redirectQuery("SAMLRequest", xml, relayState, signer);
    }

    /** The same for any parameter (SAMLRequest or SAMLResponse). */
    public static String redirectQuery(String parameter, String xml, String relayState, BasicX509Credential signer) {
        StringBuilder query = new StringBuilder(parameter + "=").append(url(Base64.getEncoder().encodeToString(deflate(xml.getBytes(StandardCharsets.UTF_8)))));
        if (relayState != null) {
            query.append("&RelayState=").append(url(relayState));
        }
        if (signer != null) {
            query.append("&SigAlg=").append(url(SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256));
            try {
                Signature signature = Signature.getInstance("SHA256withRSA");
                signature.initSign(signer.getPrivateKey());
                signature.update(query.toString().getBytes(StandardCharsets.UTF_8));
                query.append("&Signature=").append(url(Base64.getEncoder().encodeToString(signature.sign())));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return query.toString();
    }

    public static byte[] deflate(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflater = new DeflaterOutputStream(out, new Deflater(Deflater.BEST_COMPRESSION, true))) {
            deflater.write(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    public static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
