package org.gridauth.idp.service;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.policy.RequestFreshness;
import org.gridauth.idp.protocol.AuthnRequestDecoder;
import org.gridauth.idp.protocol.IdpEndpoints;
import org.gridauth.idp.protocol.SpRegistry;
import org.gridauth.idp.store.ReplayCache;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of SAML AuthnRequests as the IdP bridge receives them (issue #11, R-IDP-1: anyone can send
 * one to the SSO endpoints): the HTTP-Redirect query string (URL encoding, base64, DEFLATE, the query signature) and
 * the HTTP-POST form field, through {@link AuthnRequestDecoder} and {@link SsoService#accept} (issuer, signature,
 * Destination, freshness, replay, binding, AssertionConsumerService) — what SsoController does before sign-in.
 * Contract: a pending sign-on or {@link GridAuthException} (GA-IDP-0xx); anything else is a finding. The SPs are
 * {@code fuzz-sps.xml} (one that signs its requests with the fixed key {@code fuzz-sp.key}, one that does not) and the
 * clock is fixed 30 s after the seeds were issued, so the seeds are accepted. Corpus in
 * {@code AuthnRequestFuzzTestInputs/<method>/}.
 */
class AuthnRequestFuzzTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
    static final IdpEndpoints ENDPOINTS = new IdpEndpoints("https://idp.fuzz.test/idp/shibboleth", "https://idp.fuzz.test", "fuzz.test");
    private static final SpRegistry SPS = new SpRegistry(SpRegistry.fromXml(FuzzResources.bytes("fuzz-sps.xml"), "fuzz-sps.xml"));
    private static final AuthnRequestDecoder DECODER = new AuthnRequestDecoder(65536, 65536 * 4);
    private static final RequestFreshness FRESHNESS = new RequestFreshness(Duration.ofMinutes(5), Duration.ofMinutes(3));

    /** The raw query string of a GET to the HTTP-Redirect SSO endpoint, byte for byte. */
    @FuzzTest(maxDuration = "2m")
    void redirect(byte[] data) {
        try {
            service().accept(DECODER.decodeRedirect(new String(data, StandardCharsets.ISO_8859_1)));
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    /** The AuthnRequest XML of an HTTP-POST (base64-encoded here as the form field carries it, so mutations hit the XML). */
    @FuzzTest(maxDuration = "2m")
    void post(byte[] data) {
        try {
            service().accept(DECODER.decodePost(Base64.getMimeEncoder().encodeToString(data), "relay-4711"));
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    /** A fresh replay cache each run, so a seed is not refused as a replay of itself; accept() needs no release policy. */
    private static SsoService service() {
        return new SsoService(SPS, new ReplayCache(CLOCK), FRESHNESS, ENDPOINTS, null, null, null, CLOCK);
    }
}
