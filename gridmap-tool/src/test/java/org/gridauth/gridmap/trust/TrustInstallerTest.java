package org.gridauth.gridmap.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.gridauth.ca.service.TrustBundle;
import org.gridauth.gridmap.FileServer;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsi.trust.IgtfInfo;
import org.gridauth.gsi.trust.NamespacePolicy;
import org.gridauth.gsi.trust.TrustDirectory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gridmap trust: the CA's trust bundle installed only after its fingerprint is checked (R-RS-3, R-CA-6). */
class TrustInstallerTest {

    @TempDir
    Path dir;

    private final TestPki pki = TestPki.shared();

    private byte[] bundle() {
        return TrustBundle.tarGz(pki.ca().certificate(), NamespacePolicy.below(TestPki.CA_DN, TestPki.ORGANISATION),
                new IgtfInfo("gridauth-test", URI.create("https://ca.example.org/"), URI.create("https://ca.example.org/crl.pem"), "ca@example.org",
                        "experimental", "1.0"), pki.crl(List.of()), Instant.now());
    }

    @Test
    @DisplayName("R-RS-3, R-CA-6: the CA repository's bundle is installed with the right fingerprint; gsi-core and grid-cert-diagnostics then trust the CA")
    void installs() throws Exception {
        try (FileServer server = new FileServer()) {
            URI repository = server.publish("/repo/trust-bundle.tar.gz", bundle()).resolve("/repo/");
            String fingerprint = IgtfInfo.fingerprint(pki.ca().certificate(), "SHA-256");
            Path target = dir.resolve("certificates");
            TrustInstaller.Installed installed = new TrustInstaller(Duration.ofSeconds(10)).install(repository,
                    "sha256 Fingerprint=" + fingerprint.toLowerCase(), target);
            String hash = TrustDirectory.subjectHash(pki.ca().certificate().getSubjectX500Principal());
            assertThat(installed.hash()).isEqualTo(hash);
            assertThat(target.resolve(hash + ".0")).exists();
            assertThat(target.resolve(hash + ".signing_policy")).exists();
            assertThat(target.resolve(hash + ".namespaces")).exists();
            assertThat(target.resolve(hash + ".r0")).exists();
            assertThat(Files.readString(target.resolve(hash + ".crl_url"))).contains("https://ca.example.org/crl.pem");
            try (ChainValidator validator = ChainValidator.strict(target)) {
                validator.validateOrThrow(pki.user().chain());
            }
            GridTools.require("grid-cert-diagnostics", "globus-gsi-cert-utils-progs");
            Path cert = dir.resolve("usercert.pem");
            Files.writeString(cert, org.gridauth.gsi.credential.Pem.encode(pki.user().certificate()));
            GridTools.Result diagnostics = GridTools.run(List.of("grid-cert-diagnostics", "-p", cert.toString()),
                    Map.of("X509_CERT_DIR", target.toString(), "HOME", dir.toString()), null, Duration.ofSeconds(60));
            assertThat(diagnostics.all()).as(diagnostics.all()).contains(hash);
        }
    }

    @Test
    @DisplayName("R-CA-6: a wrong fingerprint installs nothing")
    void wrongFingerprint() throws Exception {
        try (FileServer server = new FileServer()) {
            URI url = server.publish("/trust-bundle.tar.gz", bundle());
            Path target = dir.resolve("certificates");
            assertThatThrownBy(() -> new TrustInstaller(Duration.ofSeconds(10)).install(url, "AB:CD:EF", target))
                    .hasMessageContaining("GA-GM-008");
            assertThat(target).doesNotExist();
        }
    }

    @Test
    @DisplayName("R-RS-3: bundles with a path outside the directory, a second CA, a link or a foreign CRL are refused before anything is written")
    void hostileBundles() throws Exception {
        String hash = TrustDirectory.subjectHash(pki.ca().certificate().getSubjectX500Principal());
        byte[] ca = org.gridauth.gsi.credential.Pem.encode(pki.ca().certificate()).getBytes(StandardCharsets.US_ASCII);
        String fingerprint = IgtfInfo.fingerprint(pki.ca().certificate(), "SHA-256");
        TestPki other = TestPki.create(dir.resolve("other"));
        byte[] foreignCrl = org.gridauth.gsi.credential.Pem.encode(other.crl(List.of())).getBytes(StandardCharsets.US_ASCII);
        try (FileServer server = new FileServer()) {
            Path target = dir.resolve("certificates");
            TrustInstaller installer = new TrustInstaller(Duration.ofSeconds(10));
            assertThatThrownBy(() -> installer.install(server.publish("/a.tar.gz", tar(Map.of(hash + ".0", ca, "../evil", ca), null)), fingerprint, target))
                    .hasMessageContaining("GA-GM-007").hasMessageContaining("unexpected entry");
            assertThatThrownBy(() -> installer.install(server.publish("/b.tar.gz", tar(Map.of(hash + ".0", ca, "0000abcd.info", ca), null)), fingerprint,
                    target)).hasMessageContaining("more than one CA");
            assertThatThrownBy(() -> installer.install(server.publish("/c.tar.gz", tar(Map.of(hash + ".0", ca), hash + ".signing_policy")), fingerprint,
                    target)).hasMessageContaining("unexpected entry");
            assertThatThrownBy(() -> installer.install(server.publish("/d.tar.gz", tar(Map.of(hash + ".0", ca, hash + ".r0", foreignCrl), null)),
                    fingerprint, target)).hasMessageContaining("not signed by the CA");
            assertThatThrownBy(() -> installer.install(server.publish("/e.tar.gz", "not gzip".getBytes(StandardCharsets.US_ASCII)), fingerprint, target))
                    .hasMessageContaining("GA-GM-007");
            assertThat(target).doesNotExist();
        }
    }

    /** A tar.gz with the given files, and a symbolic link of that name if {@code link} is set. */
    private static byte[] tar(Map<String, byte[]> files, String link) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (Map.Entry<String, byte[]> file : new java.util.TreeMap<>(files).entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
            if (link != null) {
                TarArchiveEntry entry = new TarArchiveEntry(link, TarArchiveEntry.LF_SYMLINK);
                entry.setLinkName("/etc/passwd");
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
