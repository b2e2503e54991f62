package org.gridauth.gsi.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustDirectoryTest {

    private final TestPki pki = TestPki.shared();

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-RS-3: the anchor file name is OpenSSL's subject hash (openssl x509 -hash)")
    void hashMatchesOpenSsl() throws Exception {
        GridTools.require("openssl", "openssl");
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, Pem.encode(pki.ca().certificate()));
        GridTools.Result hash = GridTools.run(List.of("openssl", "x509", "-hash", "-noout", "-in", ca.toString()));
        assertThat(hash.stdout().strip()).isEqualTo(TrustDirectory.subjectHash(pki.ca().certificate().getSubjectX500Principal()));
        assertThat(pki.trustDir().resolve(hash.stdout().strip() + ".0")).exists();
    }

    @Test
    @DisplayName("R-RS-3: the directory has <hash>.0, .signing_policy, .namespaces, .info, .crl_url and .r0 in the Globus/IGTF formats")
    void filesAndFormats() throws Exception {
        String hash = TrustDirectory.subjectHash(pki.ca().certificate().getSubjectX500Principal());
        Path trust = pki.trustDir();
        assertThat(Files.readString(trust.resolve(hash + ".signing_policy")))
                .contains("access_id_CA      X509         '/C=JP/O=GridAuth Test/CN=GridAuth Test CA'")
                .contains("pos_rights        globus       CA:sign")
                .contains("cond_subjects     globus       '\"/C=JP/O=GridAuth Test/*\"'");
        assertThat(Files.readString(trust.resolve(hash + ".namespaces")))
                .contains("TO Issuer \"/C=JP/O=GridAuth Test/CN=GridAuth Test CA\" \\\n  PERMIT Subject \"/C=JP/O=GridAuth Test/.*\"");
        assertThat(Files.readString(trust.resolve(hash + ".info"))).contains("alias = gridauth-test")
                .contains("subjectdn = \"/C=JP/O=GridAuth Test/CN=GridAuth Test CA\"").containsPattern("sha1fp.0 = ([0-9A-F]{2}:){19}[0-9A-F]{2}");
        assertThat(Files.readString(trust.resolve(hash + ".r0"))).startsWith("-----BEGIN X509 CRL-----");

        TrustDirectory directory = new TrustDirectory(trust);
        assertThat(directory.anchors()).containsExactly(pki.ca().certificate());
        assertThat(directory.signingPolicy(hash)).get().satisfies(p -> {
            assertThat(p.ca()).isEqualTo(TestPki.CA_DN);
            assertThat(p.subjects()).containsExactly("/C=JP/O=GridAuth Test/*");
            assertThat(p.permits(pki.user().subject())).isTrue();
            assertThat(p.permits(GridDn.fromOpenSsl("/C=JP/O=Elsewhere/CN=Mallory"))).isFalse();
        });
        assertThat(directory.crlUrl(hash)).get().hasToString("https://ca.example.org/crl.pem");
    }

    @Test
    @DisplayName("R-RS-3: grid-cert-diagnostics accepts a trust directory written by gsi-core")
    void gridCertDiagnosticsAccepts() throws Exception {
        GridTools.require("grid-cert-diagnostics", "globus-gsi-cert-utils-progs");
        Path gridmap = Files.writeString(dir.resolve("grid-mapfile"), "");
        GridTools.Result result = GridTools.run(List.of("grid-cert-diagnostics"),
                Map.of("X509_CERT_DIR", pki.trustDir().toString(), "GRIDMAP", gridmap.toString()), null, Duration.ofSeconds(60));
        String hash = TrustDirectory.subjectHash(pki.ca().certificate().getSubjectX500Principal());
        assertThat(result.stdout()).as(result.all())
                .contains("Checking that certificate hash matches filename... ok")
                .contains("Checking CA certificate name for " + hash + ".0...ok (/C=JP/O=GridAuth Test/CN=GridAuth Test CA)")
                .contains("Checking if signing policy exists for " + hash + ".0... ok")
                .contains("Verifying certificate chain for " + hash + ".0... ok");
        String trustedSection = result.stdout().substring(result.stdout().indexOf("Checking trusted certificates"));
        assertThat(trustedSection).doesNotContain("failed");
    }

    @Test
    @DisplayName("R-RS-3: openssl verify -CApath -crl_check accepts the user certificate with the directory's CRL")
    void opensslVerifyCapath() throws Exception {
        GridTools.require("openssl", "openssl");
        Path user = dir.resolve("user.pem");
        Files.writeString(user, Pem.encode(pki.user().certificate()));
        GridTools.Result verify = GridTools.run(List.of("openssl", "verify", "-crl_check", "-CApath", pki.trustDir().toString(), user.toString()));
        assertThat(verify.exitCode()).as(verify.all()).isZero();
    }

    @Test
    @DisplayName("R-RS-3: a CRL not signed by an installed anchor is refused and nothing is written")
    void foreignCrlRefused(@TempDir Path other) {
        TestPki stranger = TestPki.create(other);
        TrustDirectory directory = new TrustDirectory(pki.trustDir());
        assertThatThrownBy(() -> directory.installCrl(stranger.crl(List.of())))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.CRL_NOT_FROM_ANCHOR));
    }

    @Test
    @DisplayName("Malformed signing policies and namespace patterns are refused with the line and reason")
    void malformedPolicies() {
        assertThatThrownBy(() -> NamespacePolicy.parseSigningPolicy("access_id_CA X509 '/C=JP/CN=CA'\nbogus line\n", "x.signing_policy"))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.SIGNING_POLICY_MALFORMED))
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> NamespacePolicy.below(TestPki.CA_DN, "/C=JP/O=\"Grid"))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.NAMESPACE_PATTERN_INVALID));
        assertThatThrownBy(() -> new TrustDirectory(dir.resolve("nope")).anchors())
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.TRUST_DIRECTORY_MISSING));
    }
}
