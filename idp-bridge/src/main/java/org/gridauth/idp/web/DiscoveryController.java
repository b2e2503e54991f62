package org.gridauth.idp.web;

import static org.springframework.web.util.HtmlUtils.htmlEscape;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.policy.DiscoveryReturn;
import org.gridauth.idp.policy.IdpSelection;
import org.gridauth.idp.protocol.IdpEntry;
import org.gridauth.idp.protocol.ServiceProvider;
import org.gridauth.idp.service.Audit;
import org.gridauth.idp.service.DiscoveryCatalog;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The discovery service (R-DS-1), SAML IdP Discovery Protocol: {@code GET /ds?entityID=&return=&returnIDParam=
 * &isPassive=&policy=}. A remembered choice (cookie, {@code remember-days}) skips the list; otherwise the offered
 * IdPs are listed with search by Japanese or English name, and the choice is posted back to {@code /ds}.
 */
@RestController
public class DiscoveryController {

    static final String COOKIE = "gridauth_ds_idp";
    private static final String SINGLE_POLICY = "urn:oasis:names:tc:SAML:profiles:SSO:idp-discovery-protocol:single";

    private final DiscoveryCatalog catalog;

    public DiscoveryController(DiscoveryCatalog catalog) {
        this.catalog = catalog;
    }

    /** The checked protocol parameters. */
    private record DsRequest(ServiceProvider sp, String returnUrl, String returnIdParam, boolean passive) {
    }

    private DsRequest check(HttpServletRequest request) {
        String entityId = request.getParameter("entityID");
        if (entityId == null || entityId.isBlank()) {
            throw new GridAuthException(IdpError.DS_BAD_REQUEST, "entityID is missing");
        }
        ServiceProvider sp = catalog.sps().find(entityId).orElseThrow(() -> new GridAuthException(IdpError.UNKNOWN_SP, entityId));
        String policy = request.getParameter("policy");
        if (policy != null && !policy.isEmpty() && !SINGLE_POLICY.equals(policy)) {
            throw new GridAuthException(IdpError.DS_BAD_REQUEST, "unsupported policy " + policy);
        }
        String returnUrl = request.getParameter("return");
        if (returnUrl == null || returnUrl.isEmpty()) {
            if (sp.discoveryResponses().isEmpty()) {
                throw new GridAuthException(IdpError.DS_BAD_RETURN, "(none)", sp.entityId());
            }
            returnUrl = sp.discoveryResponses().get(0);
        } else if (!DiscoveryReturn.allowed(returnUrl, sp.discoveryResponses())) {
            throw new GridAuthException(IdpError.DS_BAD_RETURN, returnUrl, sp.entityId());
        }
        String passive = request.getParameter("isPassive");
        if (passive != null && !passive.equals("true") && !passive.equals("false")) {
            throw new GridAuthException(IdpError.DS_BAD_REQUEST, "isPassive must be true or false");
        }
        return new DsRequest(sp, returnUrl, request.getParameter("returnIDParam"), "true".equals(passive));
    }

    @GetMapping("/ds")
    public ResponseEntity<String> discover(HttpServletRequest request) {
        DsRequest ds = check(request);
        Optional<IdpEntry> remembered = remembered(request);
        if (remembered.isPresent()) {
            Audit.record("ds-remembered", "sp", ds.sp().entityId(), "idp", remembered.get().entityId());
            return redirect(DiscoveryReturn.build(ds.returnUrl(), ds.returnIdParam(), remembered.get().entityId()), null);
        }
        if (ds.passive()) {
            return redirect(DiscoveryReturn.build(ds.returnUrl(), ds.returnIdParam(), null), null);
        }
        Locale locale = Language.of(request);
        List<IdpEntry> offered = IdpSelection.search(catalog.offered(locale), request.getParameter("q"));
        return SsoController.html(page(locale, request, offered));
    }

    @PostMapping("/ds")
    public ResponseEntity<String> choose(HttpServletRequest request) {
        DsRequest ds = check(request);
        String chosen = request.getParameter("idp");
        IdpEntry idp = catalog.find(chosen).orElseThrow(() -> new GridAuthException(IdpError.DS_UNKNOWN_IDP, String.valueOf(chosen)));
        Audit.record("ds-chosen", "sp", ds.sp().entityId(), "idp", idp.entityId());
        ResponseCookie cookie = ResponseCookie.from(COOKIE, Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(idp.entityId().getBytes(StandardCharsets.UTF_8)))
                .path("/ds").httpOnly(true).secure(request.isSecure()).sameSite("Lax")
                .maxAge(Duration.ofDays(catalog.rememberDays())).build();
        return redirect(DiscoveryReturn.build(ds.returnUrl(), ds.returnIdParam(), idp.entityId()),
                catalog.rememberDays() > 0 ? cookie : null);
    }

    private Optional<IdpEntry> remembered(HttpServletRequest request) {
        if (request.getCookies() == null || catalog.rememberDays() == 0) {
            return Optional.empty();
        }
        for (Cookie cookie : request.getCookies()) {
            if (COOKIE.equals(cookie.getName())) {
                try {
                    String entityId = new String(Base64.getUrlDecoder().decode(cookie.getValue()), StandardCharsets.UTF_8);
                    // Only an IdP still offered: one removed from the federation or the selection shows the list again.
                    return catalog.find(entityId);
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static ResponseEntity<String> redirect(String location, ResponseCookie cookie) {
        var builder = ResponseEntity.status(302).header(HttpHeaders.LOCATION, location).header("Cache-Control", "no-store");
        if (cookie != null) {
            builder.header(HttpHeaders.SET_COOKIE, cookie.toString());
        }
        return builder.build();
    }

    private static String page(Locale locale, HttpServletRequest request, List<IdpEntry> idps) {
        boolean ja = Language.japanese(locale);
        String title = ja ? "所属機関 (IdP) の選択" : "Choose your identity provider";
        StringBuilder html = new StringBuilder(4096).append("<!DOCTYPE html>\n<html lang=\"").append(ja ? "ja" : "en")
                .append("\"><head><meta charset=\"utf-8\"><title>").append(title).append("</title></head><body>\n<h1>")
                .append(title).append("</h1>\n<form method=\"get\" action=\"ds\">");
        hidden(html, request);
        html.append("<input name=\"q\" id=\"q\" value=\"").append(htmlEscape(Optional.ofNullable(request.getParameter("q")).orElse("")))
                .append("\" placeholder=\"").append(ja ? "名前で検索" : "Search by name").append("\"><button type=\"submit\">")
                .append(ja ? "検索" : "Search").append("</button></form>\n<ul id=\"idps\">\n");
        for (IdpEntry idp : idps) {
            html.append("<li><form method=\"post\" action=\"ds\">");
            hidden(html, request);
            html.append("<button type=\"submit\" name=\"idp\" value=\"").append(htmlEscape(idp.entityId())).append("\">")
                    .append(htmlEscape(idp.displayName(locale))).append("</button></form></li>\n");
        }
        if (idps.isEmpty()) {
            html.append("<li id=\"none\">").append(ja ? "該当する IdP はありません。" : "No identity provider matches.").append("</li>\n");
        }
        return html.append("</ul>\n</body></html>\n").toString();
    }

    private static void hidden(StringBuilder html, HttpServletRequest request) {
        for (String name : new String[] {"entityID", "return", "returnIDParam", "policy", "lang"}) {
            String value = request.getParameter(name);
            if (value != null) {
                html.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"").append(htmlEscape(value)).append("\">");
            }
        }
    }
}
