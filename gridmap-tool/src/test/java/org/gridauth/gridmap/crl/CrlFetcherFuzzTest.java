package org.gridauth.gridmap.crl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of CRLs as {@code gridmap crl} downloads them from a CA's CRL URL (issue #11, R-RS-3): DER
 * or PEM bytes through {@link CrlFetcher#check} (parse, issuer, signature, lastUpdate/nextUpdate against the clock).
 * Contract: a checked CRL or {@link GridAuthException} (GA-GM-004); anything else is a finding. The seeds are CRLs
 * of a fixed test CA ({@code crl-fuzz-ca.pem}) and the clock is fixed inside their validity, so the valid seeds pass
 * every check. Corpus in {@code CrlFetcherFuzzTestInputs/<method>/}.
 */
class CrlFetcherFuzzTest {

    private static final X509Certificate CA = ca();
    private static final CrlFetcher FETCHER = new CrlFetcher(Duration.ofSeconds(5), Duration.ofHours(1),
            Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC));
    private static final URI URL = URI.create("https://ca.example.org/crl.der");

    @FuzzTest(maxDuration = "2m")
    void check(byte[] data) {
        try {
            X509CRL crl = FETCHER.check(data, CA, "0a1b2c3d", URL);
            crl.getRevokedCertificates();
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    private static X509Certificate ca() {
        try (InputStream in = CrlFetcherFuzzTest.class.getResourceAsStream("crl-fuzz-ca.pem")) {
            return Pem.decode(in.readAllBytes(), "crl-fuzz-ca.pem").certificates().get(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
