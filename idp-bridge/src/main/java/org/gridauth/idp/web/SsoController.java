package org.gridauth.idp.web;

import java.io.IOException;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.protocol.AuthnRequestDecoder;
import org.gridauth.idp.protocol.IdpEndpoints;
import org.gridauth.idp.protocol.InboundRequest;
import org.gridauth.idp.service.IdpSession;
import org.gridauth.idp.service.PendingSso;
import org.gridauth.idp.service.SsoService;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/** The SAML SSO endpoints (HTTP-Redirect and HTTP-POST bindings). */
@RestController
public class SsoController {

    static final String PENDING = "gridauth.idp.pending";
    static final String SESSION = "gridauth.idp.session";

    private final AuthnRequestDecoder decoder;
    private final SsoService sso;

    public SsoController(AuthnRequestDecoder decoder, SsoService sso) {
        this.decoder = decoder;
        this.sso = sso;
    }

    @GetMapping(IdpEndpoints.SSO_REDIRECT_PATH)
    public ResponseEntity<String> redirect(HttpServletRequest request) throws IOException {
        return handle(decoder.decodeRedirect(request.getQueryString()), request);
    }

    @PostMapping(IdpEndpoints.SSO_POST_PATH)
    public ResponseEntity<String> post(@RequestParam(name = "SAMLRequest", required = false) String samlRequest,
                                       @RequestParam(name = "RelayState", required = false) String relayState,
                                       HttpServletRequest request) throws IOException {
        return handle(decoder.decodePost(samlRequest, relayState), request);
    }

    private ResponseEntity<String> handle(InboundRequest inbound, HttpServletRequest request) {
        PendingSso pending = sso.accept(inbound);
        HttpSession session = request.getSession(true);
        IdpSession signedIn = (IdpSession) session.getAttribute(SESSION);
        if (signedIn != null && !pending.forceAuthn()) {
            return html(issue(session, pending, signedIn));
        }
        if (pending.passive()) {
            throw new GridAuthException(IdpError.PASSIVE_NOT_POSSIBLE);
        }
        session.setAttribute(PENDING, pending);
        return ResponseEntity.status(302).header("Location", request.getContextPath() + "/idp/login").build();
    }

    static final String PARTICIPANTS = "gridauth.idp.participants";

    /** Answers the SP and remembers it as a participant of the session, for single logout. */
    @SuppressWarnings("unchecked")
    String issue(HttpSession session, PendingSso pending, IdpSession signedIn) {
        SsoService.Issued issued = sso.respond(pending, signedIn);
        java.util.ArrayList<org.gridauth.idp.service.Participant> participants =
                (java.util.ArrayList<org.gridauth.idp.service.Participant>) session.getAttribute(PARTICIPANTS);
        java.util.ArrayList<org.gridauth.idp.service.Participant> updated = participants == null ? new java.util.ArrayList<>() : new java.util.ArrayList<>(participants);
        updated.removeIf(p -> p.spEntityId().equals(issued.participant().spEntityId()));
        updated.add(issued.participant());
        session.setAttribute(PARTICIPANTS, updated);
        return issued.html();
    }

    static ResponseEntity<String> html(String body) {
        return ResponseEntity.ok().contentType(new MediaType("text", "html", java.nio.charset.StandardCharsets.UTF_8))
                .header("Cache-Control", "no-store").body(body);
    }
}
