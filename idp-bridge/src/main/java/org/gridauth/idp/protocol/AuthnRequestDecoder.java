package org.gridauth.idp.protocol;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.saml2.core.AuthnRequest;

/**
 * Decodes AuthnRequests of the HTTP-Redirect (deflate + base64 in the query) and HTTP-POST (base64 in a form)
 * bindings with hard limits: the encoded size, and the inflated size (a deflate bomb stops at the limit instead
 * of filling memory). XML parsing refuses DOCTYPEs ({@link OpenSaml}).
 */
public final class AuthnRequestDecoder {

    private final int maxEncodedBytes;
    private final int maxXmlBytes;

    public AuthnRequestDecoder(int maxEncodedBytes, int maxXmlBytes) {
        this.maxEncodedBytes = maxEncodedBytes;
        this.maxXmlBytes = maxXmlBytes;
    }

    /** HTTP-Redirect: the raw (still URL-encoded) query string, needed as sent to check a query signature. */
    public InboundRequest decodeRedirect(String rawQuery) {
        RedirectMessage message = decodeRedirectMessage(rawQuery, "SAMLRequest");
        if (!(message.message() instanceof AuthnRequest request)) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "the message is " + message.message().getElementQName().getLocalPart() + ", not an AuthnRequest");
        }
        return new InboundRequest(request, message.relayState(), SAMLConstants.SAML2_REDIRECT_BINDING_URI, message.signature());
    }

    /** Any SAML message of the HTTP-Redirect binding, with its RelayState and query signature (or null). */
    public record RedirectMessage(XMLObject message, String relayState, InboundRequest.RedirectSignature signature) {
    }

    /** Decodes {@code SAMLRequest} or {@code SAMLResponse} of the HTTP-Redirect binding with the same limits. */
    public RedirectMessage decodeRedirectMessage(String rawQuery, String parameter) {
        if (rawQuery == null) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "no query string");
        }
        if (rawQuery.length() > maxEncodedBytes) {
            throw new GridAuthException(IdpError.REQUEST_TOO_LARGE, maxEncodedBytes);
        }
        Map<String, String> raw = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (raw.putIfAbsent(name, eq < 0 ? "" : pair.substring(eq + 1)) != null
                    && ("SAMLRequest".equals(name) || "SAMLResponse".equals(name) || "Signature".equals(name) || "SigAlg".equals(name) || "RelayState".equals(name))) {
                throw new GridAuthException(IdpError.MALFORMED_REQUEST, "parameter " + name + " given twice");
            }
        }
        String samlMessage = decodeParameter(raw.get(parameter));
        if (samlMessage == null || samlMessage.isEmpty()) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "no " + parameter + " parameter");
        }
        XMLObject message = parseAny(inflate(base64(samlMessage)));
        String relayState = decodeParameter(raw.get("RelayState"));
        InboundRequest.RedirectSignature signature = null;
        if (raw.containsKey("Signature")) {
            String sigAlg = decodeParameter(raw.get("SigAlg"));
            if (sigAlg == null) {
                throw new GridAuthException(IdpError.MALFORMED_REQUEST, "Signature without SigAlg");
            }
            StringBuilder signed = new StringBuilder(parameter).append('=').append(raw.get(parameter));
            if (raw.containsKey("RelayState")) {
                signed.append("&RelayState=").append(raw.get("RelayState"));
            }
            signed.append("&SigAlg=").append(raw.get("SigAlg"));
            signature = new InboundRequest.RedirectSignature(sigAlg, base64(decodeParameter(raw.get("Signature"))),
                    signed.toString().getBytes(StandardCharsets.UTF_8));
        }
        return new RedirectMessage(message, relayState, signature);
    }

    /** HTTP-POST: the SAMLRequest and RelayState form fields (already form-decoded). */
    public InboundRequest decodePost(String samlRequest, String relayState) {
        if (samlRequest == null || samlRequest.isEmpty()) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "no SAMLRequest parameter");
        }
        if (samlRequest.length() > maxEncodedBytes) {
            throw new GridAuthException(IdpError.REQUEST_TOO_LARGE, maxEncodedBytes);
        }
        byte[] xml = base64(samlRequest);
        if (xml.length > maxXmlBytes) {
            throw new GridAuthException(IdpError.REQUEST_TOO_LARGE, maxXmlBytes);
        }
        return new InboundRequest(parse(xml), relayState, SAMLConstants.SAML2_POST_BINDING_URI, null);
    }

    /** Any SAML message of the HTTP-POST binding ({@code SAMLRequest} or {@code SAMLResponse} form field) with the same limits. */
    public XMLObject decodePostMessage(String field, String parameter) {
        if (field == null || field.isEmpty()) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "no " + parameter + " parameter");
        }
        if (field.length() > maxEncodedBytes) {
            throw new GridAuthException(IdpError.REQUEST_TOO_LARGE, maxEncodedBytes);
        }
        byte[] xml = base64(field);
        if (xml.length > maxXmlBytes) {
            throw new GridAuthException(IdpError.REQUEST_TOO_LARGE, maxXmlBytes);
        }
        return parseAny(xml);
    }

    private static String decodeParameter(String raw) {
        try {
            return raw == null ? null : URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // a '%' not followed by two hex digits (found by AuthnRequestFuzzTest)
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "a query parameter is not URL-encoded correctly");
        }
    }

    private static byte[] base64(String text) {
        try {
            return Base64.getMimeDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "not base64");
        }
    }

    private byte[] inflate(byte[] deflated) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(deflated);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new GridAuthException(IdpError.MALFORMED_REQUEST, "truncated DEFLATE data");
                }
                out.write(buffer, 0, n);
                if (out.size() > maxXmlBytes) {
                    throw new GridAuthException(IdpError.REQUEST_TOO_LARGE, maxXmlBytes);
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "not DEFLATE data");
        } finally {
            inflater.end();
        }
    }

    private static AuthnRequest parse(byte[] xml) {
        XMLObject object = parseAny(xml);
        if (!(object instanceof AuthnRequest request)) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "the message is " + object.getElementQName().getLocalPart() + ", not an AuthnRequest");
        }
        return request;
    }

    private static XMLObject parseAny(byte[] xml) {
        XMLObject object;
        try {
            object = OpenSaml.parse(xml);
        } catch (Exception e) {
            // The parser's message may quote the document; say only what kind of problem it is.
            String reason = e.getCause() != null && e.getCause().getMessage() != null && e.getCause().getMessage().contains("DOCTYPE")
                    ? "DOCTYPE declarations are not allowed" : "not well-formed SAML XML";
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, reason);
        }
        return object;
    }
}
