package org.gridauth.gsi.trust;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.util.Set;

import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of CRLs as gsi-core loads them (issue #11, R-RS-3: CRLs come from CA repositories and
 * trust bundles): PEM text through {@link Pem#decode}, then what every caller reads (issuer, update times, revoked
 * entries, CRL number) and {@link TrustDirectory#installCrl}, which checks the issuer and signature against the
 * anchors. Contract: {@link GridAuthException} or a usable CRL; anything else is a finding. The seeds are CRLs of a
 * fixed test CA ({@code crl-fuzz-ca.pem}) so that valid ones reach the signature check and the installation.
 * DER CRLs as fetched from a CA are fuzzed in gridmap-tool's CrlFetcherFuzzTest. Corpus in
 * {@code CrlFuzzTestInputs/<method>/}.
 */
class CrlFuzzTest {

    private static final TrustDirectory TRUST = trustDirectory();

    @FuzzTest(maxDuration = "2m")
    void pem(byte[] data) {
        try {
            for (X509CRL crl : Pem.decode(data, "fuzz input").crls()) {
                GridDn.of(crl.getIssuerX500Principal());
                crl.getThisUpdate();
                crl.getNextUpdate();
                byte[] number = crl.getExtensionValue("2.5.29.20");
                if (number != null && number.length > 4) {
                    new BigInteger(1, number, 4, number.length - 4);
                }
                Set<? extends X509CRLEntry> revoked = crl.getRevokedCertificates();
                if (revoked != null) {
                    for (X509CRLEntry entry : revoked) {
                        entry.getSerialNumber();
                        entry.getRevocationDate();
                        entry.getRevocationReason();
                    }
                }
                TRUST.installCrl(crl);
            }
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    /** The fixed test CA in a trust directory of its own, on a RAM file system when there is one (installCrl syncs). */
    private static TrustDirectory trustDirectory() {
        try (InputStream in = CrlFuzzTest.class.getResourceAsStream("crl-fuzz-ca.pem")) {
            X509Certificate ca = Pem.decode(in.readAllBytes(), "crl-fuzz-ca.pem").certificates().get(0);
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "gridauth-crlfuzz")
                    : Files.createTempDirectory("gridauth-crlfuzz");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            TrustDirectory trust = new TrustDirectory(dir);
            GridDn subject = GridDn.of(ca.getSubjectX500Principal());
            trust.install(ca, NamespacePolicy.below(subject, "/C=JP/O=GridAuth Fuzz"),
                    new IgtfInfo("gridauth-fuzz", URI.create("https://ca.example.org/"), URI.create("https://ca.example.org/crl.pem"),
                            "ca@example.org", "experimental", "1.0"));
            return trust;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory; nothing else to do at exit
        }
    }
}
