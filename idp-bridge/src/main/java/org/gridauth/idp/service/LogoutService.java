package org.gridauth.idp.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.policy.RequestFreshness;
import org.gridauth.idp.protocol.IdpEndpoints;
import org.gridauth.idp.protocol.InboundRequest;
import org.gridauth.idp.protocol.LogoutMessages;
import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.protocol.PostForm;
import org.gridauth.idp.protocol.RedirectEncoder;
import org.gridauth.idp.protocol.RequestSignatures;
import org.gridauth.idp.protocol.ResponseFactory;
import org.gridauth.idp.protocol.ServiceProvider;
import org.gridauth.idp.store.ReplayCache;
import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.saml2.core.LogoutRequest;
import org.opensaml.saml.saml2.core.LogoutResponse;
import org.opensaml.saml.saml2.core.RequestAbstractType;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.saml2.core.StatusResponseType;

/**
 * Single logout steps, independent of the servlet API: {@link #accept} checks an inbound LogoutRequest or
 * LogoutResponse (known SP, signature of its binding, Destination, IssueInstant window, ID replay), {@link #next}
 * decides what the browser is sent next in a logout (a LogoutRequest to the next SP of the session, the final
 * LogoutResponse to the SP that asked, or the signed-out page), over the SP's HTTP-Redirect or HTTP-POST
 * SingleLogoutService.
 */
public final class LogoutService {

    /** What to send the browser: a redirect, an auto-submitting POST form, or (both null) the signed-out page. */
    public record Outbound(String redirect, String postForm) {
        static final Outbound DONE = new Outbound(null, null);

        public boolean done() {
            return redirect == null && postForm == null;
        }
    }

    /** A checked inbound message and the SP it came from. */
    public record Inbound(SignableSAMLObject message, ServiceProvider sp, String relayState) {
    }

    private final org.gridauth.idp.protocol.SpLookup sps;
    private final IdpEndpoints endpoints;
    private final RedirectEncoder redirects;
    private final ResponseFactory messages;
    private final RequestFreshness freshness;
    private final ReplayCache replayCache;
    private final Clock clock;

    public LogoutService(org.gridauth.idp.protocol.SpLookup sps, IdpEndpoints endpoints, RedirectEncoder redirects, ResponseFactory messages,
                         RequestFreshness freshness, ReplayCache replayCache, Clock clock) {
        this.sps = sps;
        this.endpoints = endpoints;
        this.redirects = redirects;
        this.messages = messages;
        this.freshness = freshness;
        this.replayCache = replayCache;
        this.clock = clock;
    }

    /**
     * Checks a LogoutRequest or LogoutResponse that arrived over {@code binding}; {@code redirectSignature} is the
     * query signature of HTTP-Redirect (POST messages carry an XML signature instead). Signatures are required.
     */
    public Inbound accept(Object message, String binding, InboundRequest.RedirectSignature redirectSignature, String relayState) {
        if (!(message instanceof LogoutRequest) && !(message instanceof LogoutResponse)) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "not a LogoutRequest or LogoutResponse");
        }
        SignableSAMLObject saml = (SignableSAMLObject) message;
        org.opensaml.saml.saml2.core.Issuer issuer = saml instanceof RequestAbstractType r ? r.getIssuer() : ((StatusResponseType) saml).getIssuer();
        String issuerId = issuer == null ? null : issuer.getValue();
        ServiceProvider sp = sps.find(issuerId).orElseThrow(() -> new GridAuthException(IdpError.UNKNOWN_SP, String.valueOf(issuerId)));
        boolean redirect = SAMLConstants.SAML2_REDIRECT_BINDING_URI.equals(binding);
        if (redirect) {
            if (saml.getSignature() != null) {
                throw new GridAuthException(IdpError.BAD_SIGNATURE, sp.entityId(), "an HTTP-Redirect message must not also carry an XML signature");
            }
            RequestSignatures.requireRedirectSignature(redirectSignature, sp);
        } else {
            RequestSignatures.requireXmlSignature(saml, sp);
        }
        String id = saml instanceof RequestAbstractType r ? r.getID() : ((StatusResponseType) saml).getID();
        String destination = saml instanceof RequestAbstractType r ? r.getDestination() : ((StatusResponseType) saml).getDestination();
        Instant issued = saml instanceof RequestAbstractType r ? r.getIssueInstant() : ((StatusResponseType) saml).getIssueInstant();
        String expected = redirect ? endpoints.sloRedirectUrl() : endpoints.sloPostUrl();
        if (destination != null && !destination.equals(expected)) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "Destination " + destination + " is not this endpoint");
        }
        if (id == null || id.isBlank()) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "the message has no ID");
        }
        Instant now = clock.instant();
        if (!freshness.fresh(issued, now)) {
            throw new GridAuthException(IdpError.LOGOUT_STALE, sp.entityId(), String.valueOf(issued));
        }
        if (saml instanceof LogoutRequest request && request.getNotOnOrAfter() != null
                && !request.getNotOnOrAfter().isAfter(now.minus(freshness.skew()))) {
            throw new GridAuthException(IdpError.LOGOUT_STALE, sp.entityId(), String.valueOf(issued));
        }
        if (!replayCache.firstUse(sp.entityId(), "slo\u0000" + id, freshness.rememberUntil(issued))) {
            throw new GridAuthException(IdpError.LOGOUT_REPLAYED, id, sp.entityId());
        }
        if (saml instanceof LogoutRequest && sp.logout().isEmpty()) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "the SP has no SingleLogoutService (HTTP-Redirect or HTTP-POST) in its metadata");
        }
        return new Inbound(saml, sp, relayState);
    }

    /** True when the NameID of the request is the one this session gave the SP. */
    public static boolean sameSubject(LogoutRequest request, ServiceProvider sp, List<Participant> participants) {
        return request.getNameID() != null && participants.stream()
                .anyMatch(p -> p.spEntityId().equals(sp.entityId()) && p.nameId().equals(request.getNameID().getValue()));
    }

    /** A LogoutResponse to an SP's LogoutRequest with the given status, right away (no propagation). */
    public Outbound answer(ServiceProvider sp, LogoutRequest request, String relayState, String status, String secondLevel) {
        ServiceProvider.Logout endpoint = sp.logout().orElseThrow();
        LogoutResponse response = LogoutMessages.response(messages.newId(), endpoints.entityId(), endpoint.forResponses(),
                request.getID(), status, secondLevel, clock.instant());
        return send(endpoint, endpoint.forResponses(), "SAMLResponse", response, relayState);
    }

    /** Records a LogoutResponse from an SP in the progress; false when it answers nothing this logout sent. */
    public boolean record(LogoutProgress progress, ServiceProvider sp, LogoutResponse response) {
        if (progress == null || !progress.answers(sp.entityId(), response.getInResponseTo())) {
            return false;
        }
        boolean success = response.getStatus() != null && response.getStatus().getStatusCode() != null
                && StatusCode.SUCCESS.equals(response.getStatus().getStatusCode().getValue())
                && (response.getStatus().getStatusCode().getStatusCode() == null
                || !StatusCode.PARTIAL_LOGOUT.equals(response.getStatus().getStatusCode().getStatusCode().getValue()));
        if (!success) {
            progress.failed(sp.entityId());
        }
        return true;
    }

    /**
     * The next step of a logout: a LogoutRequest to the next participant that has a SingleLogoutService (those
     * without one count as not logged out), else the final LogoutResponse to the SP that started it (Success, with
     * PartialLogout only if some SP could not be logged out), else {@link Outbound#done()}.
     */
    public Outbound next(LogoutProgress progress) {
        Participant participant;
        while ((participant = progress.next()) != null) {
            ServiceProvider sp = sps.find(participant.spEntityId()).orElse(null);
            if (sp == null || sp.logout().isEmpty()) {
                progress.failed(participant.spEntityId());
                Audit.record("slo-not-possible", "sp", participant.spEntityId(), "reason", sp == null ? "unknown SP" : "no SingleLogoutService");
                continue;
            }
            ServiceProvider.Logout endpoint = sp.logout().get();
            LogoutRequest request = LogoutMessages.request(messages.newId(), endpoints.entityId(), endpoint.location(), sp.entityId(),
                    participant.nameIdFormat(), participant.nameId(), participant.sessionIndex(), clock.instant());
            progress.awaiting(sp.entityId(), request.getID());
            Audit.record("slo-request-sent", "sp", sp.entityId(), "binding", endpoint.binding(), "request", request.getID());
            return send(endpoint, endpoint.location(), "SAMLRequest", request, null);
        }
        LogoutProgress.Origin origin = progress.origin();
        if (origin == null) {
            return Outbound.DONE;
        }
        ServiceProvider sp = sps.find(origin.spEntityId()).orElseThrow(() -> new GridAuthException(IdpError.UNKNOWN_SP, origin.spEntityId()));
        ServiceProvider.Logout endpoint = sp.logout().orElseThrow();
        boolean partial = !progress.failures().isEmpty();
        LogoutResponse response = LogoutMessages.response(messages.newId(), endpoints.entityId(), endpoint.forResponses(), origin.requestId(),
                StatusCode.SUCCESS, partial ? StatusCode.PARTIAL_LOGOUT : null, clock.instant());
        Audit.record("slo-answered", "sp", sp.entityId(), "partial", partial, "notLoggedOut", progress.failures());
        return send(endpoint, endpoint.forResponses(), "SAMLResponse", response, origin.relayState());
    }

    private Outbound send(ServiceProvider.Logout endpoint, String url, String parameter, SignableSAMLObject message, String relayState) {
        if (endpoint.redirect()) {
            return new Outbound(redirects.url(url, parameter, message, relayState), null);
        }
        messages.sign(message);
        return new Outbound(null, PostForm.html(url, parameter, OpenSaml.toXml(message), relayState));
    }
}
