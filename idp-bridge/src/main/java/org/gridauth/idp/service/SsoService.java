package org.gridauth.idp.service;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.policy.PersistentIds;
import org.gridauth.idp.policy.ReleasePolicy;
import org.gridauth.idp.policy.ReleasedAttribute;
import org.gridauth.idp.policy.RequestFreshness;
import org.gridauth.idp.protocol.IdpEndpoints;
import org.gridauth.idp.protocol.InboundRequest;
import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.protocol.PostForm;
import org.gridauth.idp.protocol.RequestSignatures;
import org.gridauth.idp.protocol.ResponseFactory;
import org.gridauth.idp.protocol.ServiceProvider;
import org.gridauth.idp.protocol.Subject;
import org.gridauth.idp.store.ReplayCache;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.saml2.core.AuthnRequest;
import org.opensaml.saml.saml2.core.NameIDType;
import org.opensaml.saml.saml2.core.Response;

/**
 * Web Browser SSO as a sequence of named steps: {@link #accept} checks an AuthnRequest (known SP, signature,
 * Destination, freshness, replay, AssertionConsumerService, binding) and {@link #respond} answers it for a
 * signed-in user (NameID, attribute release, signed Response in an HTTP-POST form).
 */
public final class SsoService {

    private final org.gridauth.idp.protocol.SpLookup sps;
    private final ReplayCache replayCache;
    private final RequestFreshness freshness;
    private final IdpEndpoints endpoints;
    private final ReleasePolicy releasePolicy;
    private final PersistentIds persistentIds;
    private final ResponseFactory responses;
    private final Clock clock;
    private final boolean encryptAssertions;
    private final SecureRandom random = new SecureRandom();

    public SsoService(org.gridauth.idp.protocol.SpLookup sps, ReplayCache replayCache, RequestFreshness freshness, IdpEndpoints endpoints,
                      ReleasePolicy releasePolicy, PersistentIds persistentIds, ResponseFactory responses, Clock clock) {
        this(sps, replayCache, freshness, endpoints, releasePolicy, persistentIds, responses, clock, true);
    }

    /** With {@code encryptAssertions}, assertions to an SP whose metadata has an encryption key are encrypted to it. */
    public SsoService(org.gridauth.idp.protocol.SpLookup sps, ReplayCache replayCache, RequestFreshness freshness, IdpEndpoints endpoints,
                      ReleasePolicy releasePolicy, PersistentIds persistentIds, ResponseFactory responses, Clock clock,
                      boolean encryptAssertions) {
        this.encryptAssertions = encryptAssertions;
        this.sps = sps;
        this.replayCache = replayCache;
        this.freshness = freshness;
        this.endpoints = endpoints;
        this.releasePolicy = releasePolicy;
        this.persistentIds = persistentIds;
        this.responses = responses;
        this.clock = clock;
    }

    public PendingSso accept(InboundRequest inbound) {
        AuthnRequest request = inbound.request();
        String issuer = request.getIssuer() == null ? null : request.getIssuer().getValue();
        ServiceProvider sp = sps.find(issuer).orElseThrow(() -> new GridAuthException(IdpError.UNKNOWN_SP, String.valueOf(issuer)));
        RequestSignatures.check(inbound, sp);

        String expectedDestination = SAMLConstants.SAML2_REDIRECT_BINDING_URI.equals(inbound.binding())
                ? endpoints.ssoRedirectUrl() : endpoints.ssoPostUrl();
        if (request.getDestination() != null && !request.getDestination().equals(expectedDestination)) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "Destination " + request.getDestination() + " is not this endpoint");
        }
        if (request.getID() == null || request.getID().isBlank()) {
            throw new GridAuthException(IdpError.MALFORMED_REQUEST, "the request has no ID");
        }
        Instant now = clock.instant();
        Instant issued = request.getIssueInstant();
        if (!freshness.fresh(issued, now)) {
            throw new GridAuthException(IdpError.STALE_REQUEST, String.valueOf(issued));
        }
        if (!replayCache.firstUse(sp.entityId(), request.getID(), freshness.rememberUntil(issued))) {
            throw new GridAuthException(IdpError.REPLAYED_REQUEST, request.getID());
        }

        String binding = request.getProtocolBinding();
        if (binding != null && !SAMLConstants.SAML2_POST_BINDING_URI.equals(binding)) {
            throw new GridAuthException(IdpError.UNSUPPORTED_BINDING, sp.entityId(), binding);
        }
        String requestedUrl = request.getAssertionConsumerServiceURL();
        ServiceProvider.Consumer consumer = sp.consumer(requestedUrl, request.getAssertionConsumerServiceIndex(),
                        SAMLConstants.SAML2_POST_BINDING_URI)
                .orElseThrow(() -> new GridAuthException(IdpError.BAD_ACS, sp.entityId(),
                        requestedUrl != null ? requestedUrl : "index " + request.getAssertionConsumerServiceIndex()));
        if (!SAMLConstants.SAML2_POST_BINDING_URI.equals(consumer.binding())) {
            throw new GridAuthException(IdpError.UNSUPPORTED_BINDING, sp.entityId(), consumer.binding());
        }

        String format = NameIDType.PERSISTENT;
        if (request.getNameIDPolicy() != null && NameIDType.TRANSIENT.equals(request.getNameIDPolicy().getFormat())) {
            format = NameIDType.TRANSIENT;
        }
        return new PendingSso(sp.entityId(), consumer.location(), request.getID(), inbound.relayState(), format,
                Boolean.TRUE.equals(request.isForceAuthn()), Boolean.TRUE.equals(request.isPassive()));
    }

    /** The HTML page that posts the signed Response to the SP, and the SP as a participant of the session (for logout). */
    public record Issued(String html, Participant participant) {
    }

    public Issued respond(PendingSso pending, IdpSession session) {
        String nameId = NameIDType.TRANSIENT.equals(pending.nameIdFormat())
                ? "_" + HexFormat.of().formatHex(randomBytes())
                : persistentIds.idFor(pending.spEntityId(), session.username());
        var attributes = releasePolicy.release(pending.spEntityId(), session.account(), endpoints.scope());
        ServiceProvider sp = sps.find(pending.spEntityId())
                .orElseThrow(() -> new GridAuthException(IdpError.UNKNOWN_SP, pending.spEntityId()));
        java.security.cert.X509Certificate encryptTo = encryptAssertions ? sp.encryptionKey() : null;
        Response response = responses.success(pending.requestId(), pending.spEntityId(), pending.acsUrl(),
                new Subject(pending.nameIdFormat(), nameId, session.sessionIndex(), session.authnInstant(), attributes), encryptTo,
                sp.wantsAssertionsSigned());
        Audit.record("sso-issued", "sp", pending.spEntityId(), "user", session.username(), "nameIdFormat", pending.nameIdFormat(),
                "response", response.getID(), "encrypted", encryptTo != null, "assertionSigned", sp.wantsAssertionsSigned(), "attributes", attributes.stream().map(ReleasedAttribute::friendlyName).toList());
        return new Issued(PostForm.html(pending.acsUrl(), OpenSaml.toXml(response), pending.relayState()),
                new Participant(pending.spEntityId(), pending.nameIdFormat(), nameId, session.sessionIndex()));
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[20];
        random.nextBytes(bytes);
        return bytes;
    }
}
