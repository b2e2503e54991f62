package org.gridauth.idp.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.springframework.web.util.HtmlUtils;

/**
 * The HTTP-POST binding page: a form that the browser submits to the SP's AssertionConsumerService by script,
 * with a button for browsers without JavaScript. Every value is HTML-escaped.
 */
public final class PostForm {

    private PostForm() {
    }

    public static String html(String action, String samlResponseXml, String relayState) {
        return html(action, "SAMLResponse", samlResponseXml, relayState);
    }

    /** The same for any message: {@code parameter} is SAMLRequest or SAMLResponse. */
    public static String html(String action, String parameter, String samlXml, String relayState) {
        String encoded = Base64.getEncoder().encodeToString(samlXml.getBytes(StandardCharsets.UTF_8));
        StringBuilder html = new StringBuilder(encoded.length() + 1024);
        html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>SAML</title></head>")
                .append("<body onload=\"document.forms[0].submit()\">")
                .append("<noscript><p>JavaScript is off: press Continue. / JavaScript が無効です。「続行」を押してください。</p></noscript>")
                .append("<form method=\"post\" action=\"").append(HtmlUtils.htmlEscape(action)).append("\">")
                .append("<input type=\"hidden\" name=\"").append(parameter).append("\" value=\"").append(encoded).append("\">");
        if (relayState != null) {
            html.append("<input type=\"hidden\" name=\"RelayState\" value=\"").append(HtmlUtils.htmlEscape(relayState)).append("\">");
        }
        html.append("<noscript><button type=\"submit\">Continue / 続行</button></noscript></form></body></html>\n");
        return html.toString();
    }
}
