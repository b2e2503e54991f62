package org.gridauth.gsi.gss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.proxy.ProxyInfo;
import org.gridauth.gsi.proxy.ProxyKind;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsi.trust.RevocationMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The GSI GSSAPI mechanism between two Java peers (R-RS-1); the Globus C peer is in GsiGlobusInteropTest. */
class GsiContextTest {

    private static final TestPki PKI = TestPki.shared();
    private static final ChainValidator VALIDATOR = new ChainValidator(PKI.trustDir(), RevocationMode.IF_AVAILABLE, false, Duration.ofMinutes(1));

    @AfterAll
    static void close() {
        VALIDATOR.close();
    }

    static Credential userProxy(ProxyKind kind) {
        return new ProxyMaker(Clock.systemUTC()).create(PKI.user(), ProxyRequest.of(kind, Duration.ofHours(2)));
    }

    /** Passes tokens back and forth until both sides are established; returns the number of tokens sent. */
    static int establish(GsiContext initiator, GsiContext acceptor) {
        int tokens = 0;
        byte[] toAcceptor = initiator.initSecContext(new byte[0]);
        for (int round = 0; round < 10; round++) {
            if (toAcceptor.length > 0) {
                tokens++;
                byte[] toInitiator = acceptor.acceptSecContext(toAcceptor);
                toAcceptor = new byte[0];
                if (toInitiator.length > 0) {
                    tokens++;
                    toAcceptor = initiator.initSecContext(toInitiator);
                }
            }
            if (initiator.isEstablished() && acceptor.isEstablished() && toAcceptor.length == 0) {
                return tokens;
            }
        }
        throw new AssertionError("the contexts did not establish in 10 rounds");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    @DisplayName("R-RS-1: a proxy holder and a host establish a GSI context; names, wrap/unwrap and MICs work both ways")
    void establishWrapMic(String protocol) {
        try (GsiContext initiator = GsiContext.initiator(GsiOptions.initiator(userProxy(ProxyKind.IMPERSONATION), VALIDATOR,
                TargetName.hostBased("host@" + PKI.hostName())).withProtocols(protocol));
             GsiContext acceptor = GsiContext.acceptor(GsiOptions.acceptor(PKI.host(), VALIDATOR).withProtocols(protocol))) {
            establish(initiator, acceptor);
            assertThat(initiator.protocol()).isEqualTo(protocol);
            assertThat(acceptor.peerIdentity()).contains(PKI.user().subject());
            assertThat(initiator.peerIdentity()).contains(PKI.host().subject());
            assertThat(acceptor.delegatedCredential()).isEmpty();

            byte[] hello = "hello acceptor".getBytes(StandardCharsets.UTF_8);
            assertThat(acceptor.unwrap(initiator.wrap(hello))).isEqualTo(hello);
            byte[] big = new byte[70_000];
            assertThat(initiator.unwrap(acceptor.wrap(big))).isEqualTo(big);

            for (int i = 0; i < 3; i++) {
                byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
                acceptor.verifyMIC(initiator.getMIC(message), message);
                initiator.verifyMIC(acceptor.getMIC(message), message);
            }
            byte[] message = "tampered".getBytes(StandardCharsets.UTF_8);
            byte[] mic = initiator.getMIC(message);
            assertThatThrownBy(() -> acceptor.verifyMIC(mic, "tampered!".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(GridAuthException.class).hasMessageContaining("GA-CORE-084");
            acceptor.verifyMIC(mic, message);
            assertThatThrownBy(() -> acceptor.verifyMIC(mic, message)).hasMessageContaining("replay");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FULL", "LIMITED"})
    @DisplayName("R-RS-1: delegation gives the acceptor a proxy of the initiator's identity with a key it generated, limited when asked")
    void delegation(DelegationMode mode) {
        try (GsiContext initiator = GsiContext.initiator(GsiOptions.initiator(userProxy(ProxyKind.IMPERSONATION), VALIDATOR,
                TargetName.hostBased(PKI.hostName())).withDelegation(mode));
             GsiContext acceptor = GsiContext.acceptor(GsiOptions.acceptor(PKI.host(), VALIDATOR))) {
            establish(initiator, acceptor);
            Credential delegated = acceptor.delegatedCredential().orElseThrow();
            assertThat(delegated.identity()).isEqualTo(PKI.user().subject());
            assertThat(ProxyInfo.of(delegated.chain()).limited()).isEqualTo(mode == DelegationMode.LIMITED);
            assertThat(VALIDATOR.validate(delegated.chain()).valid()).isTrue();
            assertThat(delegated.chain()).hasSize(3);
        }
    }

    @Test
    @DisplayName("R-RS-1: a delegated certificate for another key than the one the acceptor asked for is refused (GA-CORE-083)")
    void delegationForAnotherKey() {
        java.security.KeyPair other = TestPki.newKey();
        DelegationSigner rogue = (issuer, request, proxy) -> new ProxyMaker(Clock.systemUTC())
                .sign(issuer, org.gridauth.gsi.proxy.DelegationRequest.forKey(other).request(), proxy, 2048).get(0);
        try (GsiContext initiator = GsiContext.initiator(GsiOptions.initiator(userProxy(ProxyKind.IMPERSONATION), VALIDATOR, null)
                .withDelegation(DelegationMode.FULL).withDelegationSigner(rogue));
             GsiContext acceptor = GsiContext.acceptor(GsiOptions.acceptor(PKI.host(), VALIDATOR))) {
            assertThatThrownBy(() -> establish(initiator, acceptor)).isInstanceOf(GridAuthException.class)
                    .hasMessageContaining("GA-CORE-083").hasMessageContaining("not for the key");
            assertThat(acceptor.delegatedCredential()).isEmpty();
            assertThat(acceptor.isEstablished()).isFalse();
        }
    }

    @Test
    @DisplayName("R-RS-1: an initiator refuses a host whose certificate does not name the target host")
    void targetMismatch() {
        try (GsiContext initiator = GsiContext.initiator(GsiOptions.initiator(userProxy(ProxyKind.IMPERSONATION), VALIDATOR,
                TargetName.hostBased("host@elsewhere.example.org")));
             GsiContext acceptor = GsiContext.acceptor(GsiOptions.acceptor(PKI.host(), VALIDATOR))) {
            assertThatThrownBy(() -> establish(initiator, acceptor)).isInstanceOf(GridAuthException.class)
                    .satisfies(e -> assertThat(((GridAuthException) e).code()).isEqualTo(GsiError.GSS_TARGET_MISMATCH))
                    .hasMessageContaining("elsewhere.example.org");
        }
    }

    @Test
    @DisplayName("R-RS-1: an acceptor refuses a client from an unknown CA, and an anonymous client unless allowed")
    void peerRefused(@TempDir Path other) {
        TestPki stranger = TestPki.create(other);
        Credential foreign = stranger.issue(CertificateProfiles.client(), GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=Stranger"), List.of());
        try (GsiContext initiator = GsiContext.initiator(GsiOptions.initiator(foreign, VALIDATOR, null));
             GsiContext acceptor = GsiContext.acceptor(GsiOptions.acceptor(PKI.host(), VALIDATOR))) {
            assertThatThrownBy(() -> establish(initiator, acceptor)).isInstanceOf(GridAuthException.class)
                    .satisfies(e -> assertThat(((GridAuthException) e).code()).isIn(GsiError.GSS_PEER_REJECTED, GsiError.GSS_TOKEN_INVALID));
            assertThat(acceptor.peerIdentity()).isEmpty();
        }
        try (GsiContext initiator = GsiContext.initiator(GsiOptions.initiator(null, VALIDATOR, null));
             GsiContext acceptor = GsiContext.acceptor(GsiOptions.acceptor(PKI.host(), VALIDATOR))) {
            assertThatThrownBy(() -> establish(initiator, acceptor)).isInstanceOf(GridAuthException.class);
        }
        try (GsiContext initiator = GsiContext.initiator(GsiOptions.initiator(null, VALIDATOR, null));
             GsiContext acceptor = GsiContext.acceptor(GsiOptions.acceptor(PKI.host(), VALIDATOR).withAnonymousPeer(true))) {
            establish(initiator, acceptor);
            assertThat(acceptor.peerIdentity()).isEmpty();
        }
    }

    @Test
    @DisplayName("R-RS-1: a proxy chain with a broken signature, or one that exceeds its path length, is refused with the validator's reason")
    void badChains() throws Exception {
        Credential proxy = userProxy(ProxyKind.IMPERSONATION);
        byte[] der = proxy.certificate().getEncoded();
        der[der.length - 5] ^= 0x55;
        java.security.cert.X509Certificate broken = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der));
        List<java.security.cert.X509Certificate> chain = new java.util.ArrayList<>(proxy.chain());
        chain.set(0, broken);
        assertRefused(new Credential(proxy.privateKey(), chain));

        Credential capped = new ProxyMaker(Clock.systemUTC()).create(PKI.user(),
                ProxyRequest.impersonation(Duration.ofHours(1)).withPathLength(0));
        eu.emi.security.authn.x509.proxy.ProxyCertificateOptions options = new eu.emi.security.authn.x509.proxy.ProxyCertificateOptions(
                capped.chain().toArray(java.security.cert.X509Certificate[]::new));
        java.security.KeyPair key = TestPki.newKey();
        options.setPublicKey(key.getPublic());
        options.setType(eu.emi.security.authn.x509.proxy.ProxyType.RFC3820);
        java.security.cert.X509Certificate[] tooDeep = eu.emi.security.authn.x509.proxy.ProxyGenerator.generate(options, capped.privateKey())
                .getCertificateChain();
        assertRefused(new Credential(key.getPrivate(), List.of(tooDeep)));
    }

    private static void assertRefused(Credential credential) {
        try (GsiContext initiator = GsiContext.initiator(GsiOptions.initiator(credential, VALIDATOR, null));
             GsiContext acceptor = GsiContext.acceptor(GsiOptions.acceptor(PKI.host(), VALIDATOR))) {
            assertThatThrownBy(() -> establish(initiator, acceptor)).isInstanceOf(GridAuthException.class)
                    .satisfies(e -> assertThat(((GridAuthException) e).code()).isIn(GsiError.GSS_PEER_REJECTED, GsiError.GSS_TOKEN_INVALID));
            assertThat(acceptor.peerIdentity()).isEmpty();
        }
    }

    @Test
    @DisplayName("R-RS-1: an acceptor configured for proxies only refuses the long-lived certificate, and the reverse")
    void peerCertificateKinds() {
        try (GsiContext initiator = GsiContext.initiator(GsiOptions.initiator(PKI.user(), VALIDATOR, null));
             GsiContext acceptor = GsiContext.acceptor(GsiOptions.acceptor(PKI.host(), VALIDATOR).withPeerCertificates(PeerCertificates.PROXIES_ONLY))) {
            assertThatThrownBy(() -> establish(initiator, acceptor)).isInstanceOf(GridAuthException.class).hasMessageContaining("proxies only");
        }
        try (GsiContext initiator = GsiContext.initiator(GsiOptions.initiator(userProxy(ProxyKind.IMPERSONATION), VALIDATOR, null));
             GsiContext acceptor = GsiContext.acceptor(GsiOptions.acceptor(PKI.host(), VALIDATOR).withPeerCertificates(PeerCertificates.END_ENTITY_ONLY))) {
            assertThatThrownBy(() -> establish(initiator, acceptor)).isInstanceOf(GridAuthException.class).hasMessageContaining("not proxies");
        }
        try (GsiContext initiator = GsiContext.initiator(GsiOptions.initiator(userProxy(ProxyKind.IMPERSONATION), VALIDATOR, null));
             GsiContext acceptor = GsiContext.acceptor(GsiOptions.acceptor(PKI.host(), VALIDATOR).withPeerCertificates(PeerCertificates.PROXIES_ONLY))) {
            establish(initiator, acceptor);
            assertThat(acceptor.peerIdentity()).contains(PKI.user().subject());
        }
    }

    @Test
    @DisplayName("R-RS-1: garbage, truncated and oversized tokens end the attempt with GA-CORE-080 and the context stays failed")
    void badTokens() {
        GsiContext acceptor = GsiContext.acceptor(GsiOptions.acceptor(PKI.host(), VALIDATOR));
        assertThatThrownBy(() -> acceptor.acceptSecContext("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(GridAuthException.class).hasMessageContaining("GA-CORE-080");
        assertThatThrownBy(() -> acceptor.acceptSecContext(new byte[] {22, 3, 3})).hasMessageContaining("GA-CORE-085");
        GsiContext second = GsiContext.acceptor(GsiOptions.acceptor(PKI.host(), VALIDATOR));
        byte[] huge = new byte[1 << 20];
        huge[0] = 22;
        huge[1] = 3;
        huge[2] = 3;
        huge[3] = (byte) 0xff;
        huge[4] = (byte) 0xff;
        assertThatThrownBy(() -> second.acceptSecContext(huge)).isInstanceOf(GridAuthException.class).hasMessageContaining("GA-CORE-080");
        GsiContext initiator = GsiContext.initiator(GsiOptions.initiator(userProxy(ProxyKind.IMPERSONATION), VALIDATOR, null));
        assertThatThrownBy(() -> initiator.wrap(new byte[1])).hasMessageContaining("GA-CORE-085");
    }
}
