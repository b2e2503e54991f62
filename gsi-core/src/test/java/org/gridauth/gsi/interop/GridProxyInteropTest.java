package org.gridauth.gsi.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.proxy.ProxyInfo;
import org.gridauth.gsi.proxy.ProxyKind;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidation;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsi.trust.RevocationMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gsi-core proxies against Debian's Globus tools and OpenSSL, both ways. */
class GridProxyInteropTest {

    private final TestPki pki = TestPki.shared();
    private final ProxyMaker maker = new ProxyMaker(Clock.systemUTC());

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-RS-1: a gsi-core impersonation proxy passes grid-proxy-info -f and openssl verify -allow_proxy_certs")
    void ourProxyPassesGlobusAndOpenSsl() throws Exception {
        Credential proxy = maker.create(pki.user(), ProxyRequest.impersonation(Duration.ofHours(12)));
        Path file = dir.resolve("x509up_u1000");
        CredentialFiles.writeProxy(file, proxy);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        GridTools.Result info = gridProxyInfo(file, "-all");
        assertThat(info.exitCode()).as(info.all()).isZero();
        assertThat(info.stdout()).contains("identity : " + pki.user().subject().toOpenSsl())
                .contains("RFC 3820 compliant impersonation proxy");
        assertThat(gridProxyInfo(file, "-exists", "-valid", "11:00").exitCode()).isZero();

        GridTools.Result verify = opensslVerify(proxy);
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.stdout()).contains(": OK");
    }

    @Test
    @DisplayName("R-RS-1: a limited proxy is reported limited by grid-proxy-info and by gsi-core")
    void limitedProxyIsLimitedForBoth() {
        Credential proxy = maker.create(pki.user(), ProxyRequest.of(ProxyKind.LIMITED, Duration.ofHours(1)));
        Path file = dir.resolve("limited");
        CredentialFiles.writeProxy(file, proxy);

        GridTools.Result type = gridProxyInfo(file, "-type");
        assertThat(type.exitCode()).as(type.all()).isZero();
        assertThat(type.stdout().strip()).isEqualTo("RFC 3820 compliant limited proxy");
        assertThat(ProxyInfo.of(proxy.chain()).limited()).isTrue();
        assertThat(ProxyInfo.of(proxy.chain()).typeDescription()).isEqualTo(type.stdout().strip());
        assertThat(opensslVerify(proxy).exitCode()).isZero();
    }

    @Test
    @DisplayName("R-RS-1: a proxy of a proxy with a path length passes grid-proxy-info and openssl")
    void secondLevelProxy() {
        Credential first = maker.create(pki.user(), ProxyRequest.impersonation(Duration.ofHours(2)).withPathLength(3));
        Credential second = maker.create(first, ProxyRequest.impersonation(Duration.ofHours(1)));
        Path file = dir.resolve("second");
        CredentialFiles.writeProxy(file, second);

        GridTools.Result info = gridProxyInfo(file, "-identity");
        assertThat(info.exitCode()).as(info.all()).isZero();
        assertThat(info.stdout().strip()).isEqualTo(pki.user().subject().toOpenSsl());
        assertThat(opensslVerify(second).exitCode()).isZero();
        assertThat(ProxyInfo.of(second.chain()).remainingPathLength()).isEqualTo(2);
    }

    @Test
    @DisplayName("R-RS-1: a proxy made by grid-proxy-init from a gsi-core user credential passes gsi-core validation")
    void gridProxyInitProxyIsValidForUs() {
        Path cert = dir.resolve("usercert.pem");
        Path key = dir.resolve("userkey.pem");
        char[] passphrase = "correct horse battery".toCharArray();
        CredentialFiles.writeUserCredential(cert, key, pki.user(), passphrase);
        Path out = dir.resolve("x509up_init");

        for (boolean limited : new boolean[] {false, true}) {
            GridTools.Result init = gridProxyInit(cert, key, out, "correct horse battery", limited);
            assertThat(init.exitCode()).as(init.all()).isZero();

            Credential proxy = CredentialFiles.readProxy(out);
            assertThat(proxy.identity()).isEqualTo(pki.user().subject());
            ProxyInfo info = ProxyInfo.of(proxy.chain());
            assertThat(info.proxy()).isTrue();
            assertThat(info.limited()).isEqualTo(limited);
            try (ChainValidator validator = new ChainValidator(pki.trustDir(), RevocationMode.REQUIRE, true, Duration.ofMinutes(5))) {
                ChainValidation validation = validator.validate(proxy.chain());
                assertThat(validation.valid()).as(validation.problems().toString()).isTrue();
            }
        }
    }

    @Test
    @DisplayName("R-RS-1: grid-proxy-init refuses a wrong passphrase on a gsi-core userkey.pem")
    void gridProxyInitWrongPassphrase() {
        Path cert = dir.resolve("usercert.pem");
        Path key = dir.resolve("userkey.pem");
        CredentialFiles.writeUserCredential(cert, key, pki.user(), "right passphrase".toCharArray());
        GridTools.Result init = gridProxyInit(cert, key, dir.resolve("p"), "wrong passphrase", false);
        assertThat(init.exitCode()).isNotZero();
        assertThat(init.all()).contains("Couldn't read user key");
    }

    private GridTools.Result gridProxyInfo(Path file, String... options) {
        GridTools.require("grid-proxy-info", "globus-proxy-utils");
        List<String> command = new java.util.ArrayList<>(List.of("grid-proxy-info", "-f", file.toString()));
        command.addAll(List.of(options));
        return GridTools.run(command, Map.of("X509_CERT_DIR", pki.trustDir().toString()), null, Duration.ofSeconds(30));
    }

    private GridTools.Result gridProxyInit(Path cert, Path key, Path out, String passphrase, boolean limited) {
        GridTools.require("grid-proxy-init", "globus-proxy-utils");
        List<String> command = new java.util.ArrayList<>(List.of("grid-proxy-init", "-pwstdin", "-cert", cert.toString(),
                "-key", key.toString(), "-certdir", pki.trustDir().toString(), "-out", out.toString(), "-valid", "1:00"));
        if (limited) {
            command.add("-limited");
        }
        return GridTools.run(command, Map.of("X509_CERT_DIR", pki.trustDir().toString()), passphrase + "\n", Duration.ofSeconds(60));
    }

    private GridTools.Result opensslVerify(Credential proxy) {
        GridTools.require("openssl", "openssl");
        try {
            Path leaf = dir.resolve("leaf.pem");
            Path untrusted = dir.resolve("untrusted.pem");
            Files.writeString(leaf, Pem.encode(proxy.certificate()));
            Files.writeString(untrusted, Pem.encode(proxy.chain().subList(1, proxy.chain().size())));
            return GridTools.run(List.of("openssl", "verify", "-allow_proxy_certs", "-CApath", pki.trustDir().toString(),
                    "-untrusted", untrusted.toString(), leaf.toString()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
