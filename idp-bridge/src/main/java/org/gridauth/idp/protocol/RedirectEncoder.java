package org.gridauth.idp.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import org.opensaml.core.xml.XMLObject;
import org.opensaml.security.x509.X509Credential;
import org.opensaml.xmlsec.signature.support.SignatureConstants;

/** Outbound HTTP-Redirect binding: DEFLATE, base64, URL-encode, and a query signature (RSA-SHA256) by the IdP key. */
public final class RedirectEncoder {

    private final X509Credential signing;

    public RedirectEncoder(X509Credential signing) {
        this.signing = signing;
    }

    /** The URL to redirect the browser to; {@code parameter} is SAMLRequest or SAMLResponse. */
    public String url(String endpoint, String parameter, XMLObject message, String relayState) {
        byte[] xml = OpenSaml.toXml(message).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(deflated, new Deflater(Deflater.DEFAULT_COMPRESSION, true))) {
            out.write(xml);
        } catch (IOException e) {
            throw new IllegalStateException("DEFLATE into memory failed", e);
        }
        StringBuilder query = new StringBuilder(parameter).append('=')
                .append(encode(Base64.getEncoder().encodeToString(deflated.toByteArray())));
        if (relayState != null) {
            query.append("&RelayState=").append(encode(relayState));
        }
        query.append("&SigAlg=").append(encode(SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(signing.getPrivateKey());
            signature.update(query.toString().getBytes(StandardCharsets.UTF_8));
            query.append("&Signature=").append(encode(Base64.getEncoder().encodeToString(signature.sign())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing the redirect failed", e);
        }
        return endpoint + (endpoint.contains("?") ? "&" : "?") + query;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
