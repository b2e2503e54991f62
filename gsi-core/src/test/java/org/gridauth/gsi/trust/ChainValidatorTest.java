package org.gridauth.gsi.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.List;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.profile.IssuanceRequest;
import org.gridauth.gsi.profile.Signers;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;

class ChainValidatorTest {

    private final TestPki pki = TestPki.shared();
    private final ProxyMaker proxies = new ProxyMaker(Clock.systemUTC());

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-RS-1: CA -> user -> proxy -> proxy validates with CRLs required and namespaces enforced")
    void fullProxyChain() {
        Credential first = proxies.create(pki.user(), ProxyRequest.impersonation(Duration.ofHours(2)));
        Credential second = proxies.create(first, ProxyRequest.impersonation(Duration.ofHours(1)));
        try (ChainValidator validator = new ChainValidator(pki.trustDir(), RevocationMode.REQUIRE, true, Duration.ofMinutes(5))) {
            assertThat(validator.validate(second.chain()).valid()).isTrue();
            assertThat(validator.validate(pki.host().chain()).valid()).isTrue();
            validator.validateOrThrow(second.chain());
        }
    }

    @Test
    @DisplayName("R-RS-3: an expired user certificate is refused as expired, naming the subject")
    void expiredCertificate() {
        Credential old = pki.issueUser("Expired User", Instant.now().minus(Duration.ofDays(3)), Period.ofDays(1));
        expectRefused(pki.trustDir(), old.chain(), ValidationProblem.Reason.EXPIRED, GsiError.CHAIN_EXPIRED, "Expired User");
    }

    @Test
    @DisplayName("R-RS-1: an expired proxy is refused as expired")
    void expiredProxy() {
        Credential user = pki.issueUser("Old Proxy User", Instant.now().minus(Duration.ofDays(3)), Period.ofYears(1));
        ProxyMaker past = new ProxyMaker(Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC));
        Credential proxy = past.create(user, ProxyRequest.impersonation(Duration.ofHours(1)));
        expectRefused(pki.trustDir(), proxy.chain(), ValidationProblem.Reason.EXPIRED, GsiError.CHAIN_EXPIRED, "Old Proxy User");
    }

    @Test
    @DisplayName("R-RS-3, R-CA-8: a revoked user certificate, and any proxy of it, is refused as revoked")
    void revoked(@TempDir Path own) {
        TestPki local = TestPki.create(own);
        Credential proxy = proxies.create(local.user(), ProxyRequest.impersonation(Duration.ofHours(1)));
        try (ChainValidator validator = new ChainValidator(local.trustDir(), RevocationMode.REQUIRE, true, Duration.ofMinutes(5))) {
            assertThat(validator.validate(proxy.chain()).valid()).isTrue();
        }
        local.revoke(local.user().certificate());
        expectRefused(local.trustDir(), local.user().chain(), ValidationProblem.Reason.REVOKED, GsiError.CHAIN_REVOKED, "Taro Yamada");
        expectRefused(local.trustDir(), proxy.chain(), ValidationProblem.Reason.REVOKED, GsiError.CHAIN_REVOKED,
                local.user().certificate().getSerialNumber().toString(16));
    }

    @Test
    @DisplayName("R-RS-3: a certificate from a CA not in the trust directory is refused as unknown issuer")
    void unknownIssuer() {
        KeyPair otherKey = TestPki.newKey();
        GridDn otherCa = GridDn.fromOpenSsl("/C=JP/O=Other Grid/CN=Other CA");
        X509Certificate otherRoot = pki.maker().selfSigned(IssuanceRequest.of(CertificateProfiles.ca(), otherCa, otherKey.getPublic(),
                pki.maker().randomSerial()), Signers.software(otherKey.getPrivate(), "SHA256withRSA"));
        KeyPair userKey = TestPki.newKey();
        X509Certificate user = pki.maker().issue(IssuanceRequest.of(CertificateProfiles.client(),
                GridDn.fromOpenSsl("/C=JP/O=Other Grid/CN=Mallory"), userKey.getPublic(), pki.maker().randomSerial()),
                otherRoot, Signers.software(otherKey.getPrivate(), "SHA256withRSA"));
        expectRefused(pki.trustDir(), List.of(user), ValidationProblem.Reason.UNKNOWN_ISSUER, GsiError.CHAIN_UNKNOWN_ISSUER, "Other CA");
    }

    @Test
    @DisplayName("R-RS-3: a certificate signed by an impostor CA of the same name is refused")
    void impostorCa(@TempDir Path other) {
        TestPki impostor = TestPki.create(other);
        ChainValidation validation;
        try (ChainValidator validator = new ChainValidator(pki.trustDir(), RevocationMode.REQUIRE, true, Duration.ofMinutes(5))) {
            validation = validator.validate(impostor.user().chain());
        }
        assertThat(validation.valid()).isFalse();
        assertThat(validation.problems().get(0).reason())
                .isIn(ValidationProblem.Reason.BAD_SIGNATURE, ValidationProblem.Reason.UNKNOWN_ISSUER);
    }

    @Test
    @DisplayName("R-RS-1: a proxy below a proxy whose path length is 0 is refused as a path-length violation")
    void pathLengthViolation() throws Exception {
        Credential capped = proxies.create(pki.user(), ProxyRequest.impersonation(Duration.ofHours(2)).withPathLength(0));
        assertThatThrownBy(() -> proxies.create(capped, ProxyRequest.impersonation(Duration.ofHours(1))))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.PROXY_PATH_EXHAUSTED));
        // Build the forbidden chain by hand, as a hostile client would.
        ProxyCertificateOptions options = new ProxyCertificateOptions(capped.chain().toArray(X509Certificate[]::new));
        options.setPublicKey(TestPki.newKey().getPublic());
        options.setLifetime(3600);
        X509Certificate[] forbidden = ProxyGenerator.generate(options, capped.privateKey()).getCertificateChain();
        expectRefused(pki.trustDir(), List.of(forbidden), ValidationProblem.Reason.PROXY_PATH_LENGTH,
                GsiError.CHAIN_PROXY_PATH_LENGTH, "Taro Yamada");
    }

    @Test
    @DisplayName("R-CA-11: a certificate outside the CA's namespace (signing_policy) is refused")
    void namespaceViolation() {
        Credential outsider = pki.issue(CertificateProfiles.client(), GridDn.fromOpenSsl("/C=JP/O=Elsewhere/CN=Outsider"), List.of());
        expectRefused(pki.trustDir(), outsider.chain(), ValidationProblem.Reason.NAMESPACE, GsiError.CHAIN_NAMESPACE, "Outsider");
    }

    @Test
    @DisplayName("R-RS-3: with CRLs required, a CA without a CRL makes its certificates unacceptable")
    void missingCrl(@TempDir Path own) throws Exception {
        TestPki local = TestPki.create(own);
        String hash = TrustDirectory.subjectHash(local.ca().certificate().getSubjectX500Principal());
        Files.delete(local.trustDir().resolve(hash + ".r0"));
        expectRefused(local.trustDir(), local.user().chain(), ValidationProblem.Reason.CRL, GsiError.CHAIN_CRL, "Taro Yamada");
        try (ChainValidator lenient = new ChainValidator(local.trustDir(), RevocationMode.IF_AVAILABLE, true, Duration.ofMinutes(5))) {
            assertThat(lenient.validate(local.user().chain()).valid()).isTrue();
        }
    }

    @Test
    @DisplayName("An empty chain is refused with GA-CORE-050")
    void emptyChain() {
        try (ChainValidator validator = ChainValidator.strict(pki.trustDir())) {
            assertThat(validator.validate(List.of()).valid()).isFalse();
            assertThatThrownBy(() -> validator.validateOrThrow(List.of()))
                    .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.CHAIN_EMPTY));
        }
    }

    private static void expectRefused(Path trustDir, List<X509Certificate> chain, ValidationProblem.Reason reason, GsiError code,
                                      String messagePart) {
        try (ChainValidator validator = new ChainValidator(trustDir, RevocationMode.REQUIRE, true, Duration.ofMinutes(5))) {
            ChainValidation validation = validator.validate(chain);
            assertThat(validation.valid()).isFalse();
            assertThat(validation.problems().get(0).reason()).as(validation.problems().toString()).isEqualTo(reason);
            assertThatThrownBy(() -> validator.validateOrThrow(chain))
                    .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(code))
                    .hasMessageContaining(messagePart);
        }
    }
}
