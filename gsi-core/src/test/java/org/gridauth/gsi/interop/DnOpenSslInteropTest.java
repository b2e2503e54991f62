package org.gridauth.gsi.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.profile.IssuanceRequest;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gsi-core prints DNs exactly as Globus does (OpenSSL's X509_NAME_oneline, which grid-mapfile matching uses),
 * and RFC 2253 exactly as OpenSSL does.
 */
class DnOpenSslInteropTest {

    private final TestPki pki = TestPki.shared();

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-RS-2: slash form equals Globus' identity (grid-proxy-info), RFC 2253 equals 'openssl -nameopt RFC2253', both read back")
    void sameTextAsOpenSsl() throws Exception {
        GridTools.require("openssl", "openssl");
        GridDn subject = GridDn.fromRfc2253("emailAddress=taro@example.jp,CN=山田 太郎 O\\\"Brien\\+1,OU=Users,O=GridAuth Test\\, Inc.,C=JP");
        IssuanceRequest request = IssuanceRequest.of(CertificateProfiles.client(), subject, TestPki.newKey().getPublic(),
                pki.maker().randomSerial());
        java.security.KeyPair key = TestPki.newKey();
        request = IssuanceRequest.of(CertificateProfiles.client(), subject, key.getPublic(), pki.maker().randomSerial());
        java.security.cert.X509Certificate cert = pki.maker().issue(request, pki.ca().certificate(), pki.caSigner());
        Path file = dir.resolve("cert.pem");
        Files.writeString(file, Pem.encode(cert));

        GridTools.require("grid-proxy-info", "globus-proxy-utils");
        Credential proxy = new ProxyMaker(java.time.Clock.systemUTC()).create(new Credential(key.getPrivate(), List.of(cert)),
                ProxyRequest.impersonation(java.time.Duration.ofHours(1)));
        Path proxyFile = dir.resolve("x509up");
        CredentialFiles.writeProxy(proxyFile, proxy);
        GridTools.Result identity = GridTools.run(List.of("grid-proxy-info", "-f", proxyFile.toString(), "-identity"));
        assertThat(identity.exitCode()).as(identity.all()).isZero();
        String globus = identity.stdout().strip();
        assertThat(globus).isEqualTo(subject.toOpenSsl());
        assertThat(GridDn.fromOpenSsl(globus)).isEqualTo(subject);

        String rfc2253 = openssl(file, "RFC2253,-esc_msb");
        assertThat(rfc2253).isEqualTo(subject.toRfc2253());
        String escaped = openssl(file, "RFC2253");
        assertThat(escaped).contains("\\E5\\B1\\B1");
        assertThat(GridDn.fromRfc2253(escaped)).isEqualTo(subject);
        assertThat(GridDn.fromRfc2253(escaped).toOpenSsl()).isEqualTo(globus);
    }

    private static String openssl(Path file, String nameopt) {
        GridTools.Result result = GridTools.run(List.of("openssl", "x509", "-in", file.toString(), "-noout", "-subject", "-nameopt", nameopt));
        assertThat(result.exitCode()).as(result.all()).isZero();
        return result.stdout().strip().substring("subject=".length());
    }
}
