package org.gridauth.idp.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.protocol.AuthnRequestDecoder;
import org.gridauth.idp.protocol.IdpEndpoints;
import org.gridauth.idp.service.Audit;
import org.gridauth.idp.service.IdpSession;
import org.gridauth.idp.service.LogoutProgress;
import org.gridauth.idp.service.LogoutService;
import org.gridauth.idp.service.Participant;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.saml2.core.LogoutRequest;
import org.opensaml.saml.saml2.core.LogoutResponse;
import org.opensaml.saml.saml2.core.StatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * Single logout over the HTTP-Redirect and HTTP-POST bindings. SP-initiated: a signed LogoutRequest from a
 * participant ends the IdP session; every other SP of the session is then sent a signed LogoutRequest in turn
 * (front channel, through this browser), and at the end the SP that asked gets a signed LogoutResponse: Success, with
 * PartialLogout only if some SP could not be logged out. IdP-initiated ({@code /idp/profile/Logout}): the same chain
 * over all participants, ending on a "signed out" page. Each inbound message is checked by {@link LogoutService}.
 */
@RestController
public class LogoutController {

    private static final String PROGRESS = "gridauth.idp.logout.progress";

    private final AuthnRequestDecoder decoder;
    private final LogoutService logout;

    public LogoutController(AuthnRequestDecoder decoder, LogoutService logout) {
        this.decoder = decoder;
        this.logout = logout;
    }

    @GetMapping(IdpEndpoints.SLO_REDIRECT_PATH)
    public ResponseEntity<String> redirect(HttpServletRequest request) {
        String query = request.getQueryString();
        String parameter = query != null && (query.startsWith("SAMLResponse=") || query.contains("&SAMLResponse=")) ? "SAMLResponse" : "SAMLRequest";
        AuthnRequestDecoder.RedirectMessage message = decoder.decodeRedirectMessage(query, parameter);
        return handle(logout.accept(message.message(), SAMLConstants.SAML2_REDIRECT_BINDING_URI, message.signature(), message.relayState()),
                request);
    }

    @PostMapping(IdpEndpoints.SLO_POST_PATH)
    public ResponseEntity<String> post(@RequestParam(name = "SAMLRequest", required = false) String samlRequest,
                                       @RequestParam(name = "SAMLResponse", required = false) String samlResponse,
                                       @RequestParam(name = "RelayState", required = false) String relayState,
                                       HttpServletRequest request) {
        Object message = samlResponse != null ? decoder.decodePostMessage(samlResponse, "SAMLResponse")
                : decoder.decodePostMessage(samlRequest, "SAMLRequest");
        return handle(logout.accept(message, SAMLConstants.SAML2_POST_BINDING_URI, null, relayState), request);
    }

    private ResponseEntity<String> handle(LogoutService.Inbound inbound, HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (inbound.message() instanceof LogoutResponse response) {
            LogoutProgress progress = session == null ? null : (LogoutProgress) session.getAttribute(PROGRESS);
            if (!logout.record(progress, inbound.sp(), response)) {
                throw new GridAuthException(IdpError.LOGOUT_UNEXPECTED, inbound.sp().entityId());
            }
            Audit.record("slo-response", "sp", inbound.sp().entityId(), "inResponseTo", response.getInResponseTo(), "status",
                    response.getStatus() == null || response.getStatus().getStatusCode() == null ? null : response.getStatus().getStatusCode().getValue());
            return next(session, progress, Language.of(request));
        }
        LogoutRequest logoutRequest = (LogoutRequest) inbound.message();
        List<Participant> participants = participants(session);
        boolean matches = LogoutService.sameSubject(logoutRequest, inbound.sp(), participants);
        String user = session != null && session.getAttribute(SsoController.SESSION) instanceof IdpSession s ? s.username() : null;
        Audit.record("slo-sp-initiated", "sp", inbound.sp().entityId(), "user", user, "ended", matches, "request", logoutRequest.getID());
        if (!matches) {
            // Not this browser's session at that SP: nothing is ended here, and the SP is told so.
            return send(logout.answer(inbound.sp(), logoutRequest, inbound.relayState(), StatusCode.RESPONDER, StatusCode.UNKNOWN_PRINCIPAL), null);
        }
        List<Participant> others = participants.stream().filter(p -> !p.spEntityId().equals(inbound.sp().entityId())).toList();
        LogoutProgress progress = new LogoutProgress(others,
                new LogoutProgress.Origin(inbound.sp().entityId(), logoutRequest.getID(), inbound.relayState()));
        return next(restart(request, progress), progress, Language.of(request));
    }

    /** IdP-initiated logout: ends the session here and notifies each participant in turn. */
    @GetMapping(IdpEndpoints.LOGOUT_PATH)
    public ResponseEntity<String> logout(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return SsoController.html(signedOut(Language.of(request), List.of()));
        }
        List<Participant> participants = participants(session);
        String user = session.getAttribute(SsoController.SESSION) instanceof IdpSession s ? s.username() : null;
        Audit.record("slo-idp-initiated", "user", user, "participants", participants.stream().map(Participant::spEntityId).toList());
        LogoutProgress progress = new LogoutProgress(participants, null);
        return next(restart(request, progress), progress, Language.of(request));
    }

    /** Ends the IdP session (sign-in and participants) and keeps only the logout's progress in a new one. */
    private static HttpSession restart(HttpServletRequest request, LogoutProgress progress) {
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        HttpSession fresh = request.getSession(true);
        fresh.setAttribute(PROGRESS, progress);
        return fresh;
    }

    private ResponseEntity<String> next(HttpSession session, LogoutProgress progress, Locale locale) {
        LogoutService.Outbound outbound = logout.next(progress);
        // Store again so that a replicated or persisted session sees the change.
        session.setAttribute(PROGRESS, progress);
        if (outbound.done()) {
            session.removeAttribute(PROGRESS);
            return SsoController.html(signedOut(locale, progress.failures()));
        }
        return send(outbound, session);
    }

    private static ResponseEntity<String> send(LogoutService.Outbound outbound, HttpSession session) {
        if (outbound.redirect() != null) {
            return ResponseEntity.status(302).header("Location", outbound.redirect()).header("Cache-Control", "no-store").build();
        }
        return SsoController.html(outbound.postForm());
    }

    @SuppressWarnings("unchecked")
    private static List<Participant> participants(HttpSession session) {
        Object value = session == null ? null : session.getAttribute(SsoController.PARTICIPANTS);
        return value == null ? List.of() : new ArrayList<>((List<Participant>) value);
    }

    private static String signedOut(Locale locale, List<String> notLoggedOut) {
        boolean ja = Language.japanese(locale);
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"").append(ja ? "ja" : "en")
                .append("\"><head><meta charset=\"utf-8\"><title>").append(ja ? "サインアウトしました" : "Signed out")
                .append("</title></head><body><h1 id=\"signed-out\">").append(ja ? "サインアウトしました" : "You are signed out").append("</h1>");
        if (!notLoggedOut.isEmpty()) {
            html.append("<p id=\"partial\">").append(ja ? "次のサービスからはサインアウトできませんでした:" : "These services could not be signed out:")
                    .append("</p><ul>");
            notLoggedOut.forEach(sp -> html.append("<li>").append(org.springframework.web.util.HtmlUtils.htmlEscape(sp)).append("</li>"));
            html.append("</ul>");
        }
        html.append("<p>").append(ja ? "ブラウザーを閉じるとより安全です。" : "Closing the browser makes sure every session ends.")
                .append("</p></body></html>\n");
        return html.toString();
    }
}
