package org.gridauth.idp.web;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.protocol.AuthnRequestDecoder;
import org.gridauth.idp.protocol.IdpEndpoints;
import org.gridauth.idp.protocol.LogoutMessages;
import org.gridauth.idp.protocol.RedirectEncoder;
import org.gridauth.idp.protocol.RequestSignatures;
import org.gridauth.idp.protocol.ResponseFactory;
import org.gridauth.idp.protocol.ServiceProvider;
import org.gridauth.idp.protocol.SpRegistry;
import org.gridauth.idp.service.Audit;
import org.gridauth.idp.service.IdpSession;
import org.gridauth.idp.service.Participant;
import org.opensaml.saml.saml2.core.LogoutRequest;
import org.opensaml.saml.saml2.core.LogoutResponse;
import org.opensaml.saml.saml2.core.StatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.opensaml.security.x509.BasicX509Credential;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * Single logout over the HTTP-Redirect binding. SP-initiated: a signed LogoutRequest from a participant ends the
 * IdP session and is answered with a signed LogoutResponse (PartialLogout when other SPs still hold sessions, since
 * they are not propagated to yet). IdP-initiated ({@code /idp/profile/Logout}): the IdP session ends and each
 * participant with a Redirect SingleLogoutService is sent a signed LogoutRequest in turn; their LogoutResponses
 * come back here and the chain continues, ending on a "signed out" page.
 */
@RestController
public class LogoutController {

    private static final String PENDING_LOGOUTS = "gridauth.idp.logout.pending";

    private final AuthnRequestDecoder decoder;
    private final SpRegistry sps;
    private final IdpEndpoints endpoints;
    private final RedirectEncoder redirects;
    private final ResponseFactory ids;
    private final Clock clock;

    public LogoutController(AuthnRequestDecoder decoder, SpRegistry sps, IdpEndpoints endpoints, BasicX509Credential idpSigningCredential,
                            Clock clock) {
        this.decoder = decoder;
        this.sps = sps;
        this.endpoints = endpoints;
        this.redirects = new RedirectEncoder(idpSigningCredential);
        this.ids = new ResponseFactory(endpoints, idpSigningCredential, clock);
        this.clock = clock;
    }

    @GetMapping(IdpEndpoints.SLO_REDIRECT_PATH)
    public ResponseEntity<String> slo(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query != null && (query.startsWith("SAMLResponse=") || query.contains("&SAMLResponse="))) {
            AuthnRequestDecoder.RedirectMessage message = decoder.decodeRedirectMessage(query, "SAMLResponse");
            if (!(message.message() instanceof LogoutResponse response)) {
                throw new GridAuthException(IdpError.MALFORMED_REQUEST, "not a LogoutResponse");
            }
            ServiceProvider sp = known(response.getIssuer() == null ? null : response.getIssuer().getValue());
            RequestSignatures.requireRedirectSignature(message.signature(), sp);
            Audit.record("slo-response", "sp", sp.entityId(), "status", response.getStatus() == null ? null
                    : response.getStatus().getStatusCode().getValue());
            return next(request.getSession(false), Language.of(request));
        }
        AuthnRequestDecoder.RedirectMessage message = decoder.decodeRedirectMessage(query, "SAMLRequest");
        if (!(message.message() instanceof LogoutRequest logout)) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "not a LogoutRequest");
        }
        ServiceProvider sp = known(logout.getIssuer() == null ? null : logout.getIssuer().getValue());
        RequestSignatures.requireRedirectSignature(message.signature(), sp);
        if (sp.logout().filter(ServiceProvider.Logout::redirect).orElse(null) == null) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "the SP has no HTTP-Redirect SingleLogoutService in its metadata");
        }
        HttpSession session = request.getSession(false);
        List<Participant> participants = participants(session);
        boolean matches = logout.getNameID() != null && participants.stream().anyMatch(p -> p.spEntityId().equals(sp.entityId())
                && p.nameId().equals(logout.getNameID().getValue()));
        boolean others = participants.stream().anyMatch(p -> !p.spEntityId().equals(sp.entityId()));
        String user = session != null && session.getAttribute(SsoController.SESSION) instanceof IdpSession s ? s.username() : null;
        if (session != null && matches) {
            session.invalidate();
        }
        Audit.record("slo-sp-initiated", "sp", sp.entityId(), "user", user, "ended", matches);
        String status = matches ? StatusCode.SUCCESS : StatusCode.RESPONDER;
        String second = matches && others ? StatusCode.PARTIAL_LOGOUT : matches ? null : StatusCode.UNKNOWN_PRINCIPAL;
        LogoutResponse response = LogoutMessages.response(ids.newId(), endpoints.entityId(), sp.logout().filter(ServiceProvider.Logout::redirect).orElse(null).forResponses(),
                logout.getID(), status, second, clock.instant());
        return redirect(redirects.url(sp.logout().filter(ServiceProvider.Logout::redirect).orElse(null).forResponses(), "SAMLResponse", response, message.relayState()));
    }

    /** IdP-initiated logout: ends the session here and notifies each participant in turn. */
    @GetMapping(IdpEndpoints.LOGOUT_PATH)
    public ResponseEntity<String> logout(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return SsoController.html(signedOut(Language.of(request)));
        }
        List<Participant> pending = new ArrayList<>(participants(session));
        String user = session.getAttribute(SsoController.SESSION) instanceof IdpSession s ? s.username() : null;
        session.invalidate();
        HttpSession fresh = request.getSession(true);
        fresh.setAttribute(PENDING_LOGOUTS, new ArrayList<>(pending));
        Audit.record("slo-idp-initiated", "user", user, "participants", pending.stream().map(Participant::spEntityId).toList());
        return next(fresh, Language.of(request));
    }

    @SuppressWarnings("unchecked")
    private ResponseEntity<String> next(HttpSession session, Locale locale) {
        ArrayList<Participant> pending = session == null ? null : (ArrayList<Participant>) session.getAttribute(PENDING_LOGOUTS);
        while (pending != null && !pending.isEmpty()) {
            Participant participant = pending.remove(0);
            session.setAttribute(PENDING_LOGOUTS, pending);
            ServiceProvider sp = sps.find(participant.spEntityId()).orElse(null);
            if (sp == null || sp.logout().filter(ServiceProvider.Logout::redirect).orElse(null) == null) {
                continue;
            }
            LogoutRequest logout = LogoutMessages.request(ids.newId(), endpoints.entityId(), sp.logout().filter(ServiceProvider.Logout::redirect).orElse(null).location(),
                    sp.entityId(), participant.nameIdFormat(), participant.nameId(), participant.sessionIndex(), clock.instant());
            return redirect(redirects.url(sp.logout().filter(ServiceProvider.Logout::redirect).orElse(null).location(), "SAMLRequest", logout, null));
        }
        return SsoController.html(signedOut(locale));
    }

    @SuppressWarnings("unchecked")
    private static List<Participant> participants(HttpSession session) {
        Object value = session == null ? null : session.getAttribute(SsoController.PARTICIPANTS);
        return value == null ? List.of() : (List<Participant>) value;
    }

    private ServiceProvider known(String entityId) {
        return sps.find(entityId).orElseThrow(() -> new GridAuthException(IdpError.UNKNOWN_SP, String.valueOf(entityId)));
    }

    private static ResponseEntity<String> redirect(String location) {
        return ResponseEntity.status(302).header("Location", location).header("Cache-Control", "no-store").build();
    }

    private static String signedOut(Locale locale) {
        boolean ja = Language.japanese(locale);
        return "<!DOCTYPE html>\n<html lang=\"" + (ja ? "ja" : "en") + "\"><head><meta charset=\"utf-8\"><title>"
                + (ja ? "サインアウトしました" : "Signed out") + "</title></head><body><h1 id=\"signed-out\">"
                + (ja ? "サインアウトしました" : "You are signed out") + "</h1><p>"
                + (ja ? "ブラウザーを閉じるとより安全です。" : "Closing the browser makes sure every session ends.")
                + "</p></body></html>\n";
    }
}
