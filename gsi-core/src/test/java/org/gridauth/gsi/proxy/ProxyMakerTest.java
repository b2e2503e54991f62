package org.gridauth.gsi.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.dn.DnAttribute;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;
import org.gridauth.gsi.profile.Signers;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProxyMakerTest {

    private final TestPki pki = TestPki.shared();
    private final ProxyMaker maker = new ProxyMaker(Clock.systemUTC());

    @Test
    @DisplayName("R-RA-8: an impersonation proxy is CN=<number> below the user, back-dated 5 minutes, for the requested lifetime")
    void impersonationProxy() {
        Instant before = Instant.now();
        Credential proxy = maker.create(pki.user(), ProxyRequest.impersonation(Duration.ofDays(7)));
        X509Certificate cert = proxy.certificate();
        assertThat(proxy.chain()).hasSize(2).endsWith(pki.user().certificate());
        assertThat(proxy.subject().toOpenSsl()).startsWith(pki.user().subject().toOpenSsl() + "/CN=");
        assertThat(proxy.subject().last(DnAttribute.CN).orElseThrow()).matches("\\d+");
        assertThat(cert.getNotBefore().toInstant()).isBetween(before.minus(Duration.ofMinutes(6)), before.minus(Duration.ofMinutes(4)));
        assertThat(Duration.between(before, cert.getNotAfter().toInstant()).toHours()).isBetween(167L, 168L);
        ProxyInfo info = ProxyInfo.of(proxy.chain());
        assertThat(info.kind()).isEqualTo(ProxyKind.IMPERSONATION);
        assertThat(info.identity()).isEqualTo(pki.user().subject());
        assertThat(info.remainingPathLength()).isEqualTo(-1);
        assertThat(proxy.isProxy()).isTrue();
    }

    @Test
    @DisplayName("R-RA-8: independent and limited proxies carry their policies")
    void policies() {
        assertThat(ProxyInfo.of(maker.create(pki.user(), ProxyRequest.of(ProxyKind.INDEPENDENT, Duration.ofHours(1))).chain()).kind())
                .isEqualTo(ProxyKind.INDEPENDENT);
        ProxyInfo limited = ProxyInfo.of(maker.create(pki.user(), ProxyRequest.of(ProxyKind.LIMITED, Duration.ofHours(1))).chain());
        assertThat(limited.kind()).isEqualTo(ProxyKind.LIMITED);
        assertThat(limited.limited()).isTrue();
    }

    @Test
    @DisplayName("R-MP-1: a limited proxy only makes limited proxies, whatever is asked")
    void limitedStaysLimited() {
        Credential limited = maker.create(pki.user(), ProxyRequest.of(ProxyKind.LIMITED, Duration.ofHours(2)));
        Credential child = maker.create(limited, ProxyRequest.impersonation(Duration.ofHours(1)));
        assertThat(ProxyInfo.of(child.chain()).limited()).isTrue();
        assertThat(ProxyInfo.of(child.chain()).kind()).isEqualTo(ProxyKind.LIMITED);
    }

    @Test
    @DisplayName("R-MP-1: a proxy never outlives the certificate it comes from")
    void lifetimeClippedToIssuer() {
        Credential shortLived = pki.issueUser("Short Lived", Instant.now().minus(Duration.ofDays(1)), Period.ofDays(2));
        Credential proxy = maker.create(shortLived, ProxyRequest.impersonation(Duration.ofDays(30)));
        assertThat(proxy.certificate().getNotAfter()).isEqualTo(shortLived.certificate().getNotAfter());
        Credential child = maker.create(proxy, ProxyRequest.impersonation(Duration.ofDays(30)));
        assertThat(child.notAfter()).isEqualTo(shortLived.certificate().getNotAfter().toInstant());
    }

    @Test
    @DisplayName("Path length: requested limits are kept and clipped below a limited parent; an exhausted chain makes nothing")
    void pathLength() {
        Credential two = maker.create(pki.user(), ProxyRequest.impersonation(Duration.ofHours(2)).withPathLength(2));
        assertThat(ProxyInfo.of(two.chain()).remainingPathLength()).isEqualTo(2);
        Credential one = maker.create(two, ProxyRequest.impersonation(Duration.ofHours(1)).withPathLength(5));
        assertThat(ProxyInfo.of(one.chain()).remainingPathLength()).isEqualTo(1);
        Credential zero = maker.create(one, ProxyRequest.impersonation(Duration.ofHours(1)));
        assertThat(ProxyInfo.of(zero.chain()).remainingPathLength()).isZero();
        assertThatThrownBy(() -> maker.create(zero, ProxyRequest.impersonation(Duration.ofHours(1))))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.PROXY_PATH_EXHAUSTED));
        try (ChainValidator validator = ChainValidator.strict(pki.trustDir())) {
            assertThat(validator.validate(zero.chain()).valid()).isTrue();
        }
    }

    @Test
    @DisplayName("An expired issuer makes no proxy; a zero lifetime or a small key is refused")
    void refusals() {
        Credential expired = pki.issueUser("Expired Issuer", Instant.now().minus(Duration.ofDays(5)), Period.ofDays(1));
        assertThatThrownBy(() -> maker.create(expired, ProxyRequest.impersonation(Duration.ofHours(1))))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.PROXY_ISSUER_EXPIRED))
                .hasMessageContaining("Expired Issuer");
        assertThatThrownBy(() -> ProxyRequest.impersonation(Duration.ZERO))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.LIFETIME_INVALID));
        assertThatThrownBy(() -> new ProxyRequest(ProxyKind.IMPERSONATION, Duration.ofHours(1), null, 1024))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.KEY_TOO_SMALL));
        ProxyMaker future = new ProxyMaker(Clock.fixed(Instant.now().plus(Duration.ofDays(3650)), ZoneOffset.UTC));
        assertThatThrownBy(() -> future.create(pki.user(), ProxyRequest.impersonation(Duration.ofHours(1))))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.PROXY_ISSUER_EXPIRED));
    }

    @Test
    @DisplayName("R-MP-1: delegation signs the requester's key; the requester joins it to its private key")
    void delegation() {
        DelegationRequest request = DelegationRequest.generate(2048, new SecureRandom());
        List<X509Certificate> signed = maker.sign(pki.user(), request.request(), ProxyRequest.impersonation(Duration.ofHours(12)), 2048);
        assertThat(signed.get(0).getPublicKey()).isEqualTo(request.keyPair().getPublic());
        Credential delegated = request.complete(signed);
        assertThat(delegated.identity()).isEqualTo(pki.user().subject());
        assertThat(request.toString()).doesNotContain("Private");
        try (ChainValidator validator = ChainValidator.strict(pki.trustDir())) {
            assertThat(validator.validate(delegated.chain()).valid()).isTrue();
        }
    }

    @Test
    @DisplayName("R-MP-1: a delegation request with a weak key or a broken self-signature is refused")
    void badDelegationRequests() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        DelegationRequest weak = DelegationRequest.forKey(generator.generateKeyPair());
        assertThatThrownBy(() -> maker.sign(pki.user(), weak.request(), ProxyRequest.impersonation(Duration.ofHours(1)), 2048))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.PROXY_REQUEST_INVALID))
                .hasMessageContaining("1024-bit");

        // Public key of one pair, signature of another: the self-signature cannot verify.
        var claimed = TestPki.newKey();
        var signer = TestPki.newKey();
        PKCS10CertificationRequest forged = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=proxy"), claimed.getPublic())
                .build(Signers.software(signer.getPrivate(), "SHA256withRSA"));
        assertThatThrownBy(() -> maker.sign(pki.user(), forged, ProxyRequest.impersonation(Duration.ofHours(1)), 2048))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.PROXY_REQUEST_INVALID))
                .hasMessageContaining("self-signature");
    }
}
