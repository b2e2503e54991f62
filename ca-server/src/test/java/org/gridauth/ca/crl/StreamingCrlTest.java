package org.gridauth.ca.crl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.crl.CrlMaker;
import org.gridauth.gsi.crl.RevokedEntry;
import org.gridauth.gsi.profile.Signers;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StreamingCrlTest {

    private static final Instant THIS_UPDATE = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant NEXT_UPDATE = Instant.parse("2026-12-23T10:00:00Z");

    /** The CRL gsi-core's CrlMaker (Bouncy Castle) makes of the same entries, and ours, both signed by the same key. */
    private static byte[][] both(List<RevokedEntry> entries) throws Exception {
        Credential ca = TestPki.shared().ca();
        X509CRL reference = new CrlMaker().make(ca.certificate(), Signers.software(ca.privateKey(), "SHA256withRSA"), BigInteger.valueOf(42),
                THIS_UPDATE, NEXT_UPDATE, entries);
        StreamingCrl crl = new StreamingCrl();
        for (RevokedEntry e : entries) {
            crl.add(e.serial(), e.revoked(), e.reason());
        }
        StreamingCrl.Signed signed = crl.sign(ca.certificate(), Signers.software(ca.privateKey(), "SHA256withRSA"), BigInteger.valueOf(42),
                THIS_UPDATE, NEXT_UPDATE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        signed.writeTo(out);
        assertThat(signed.length()).isEqualTo(out.size());
        return new byte[][] {reference.getEncoded(), out.toByteArray()};
    }

    @Test
    @DisplayName("R-CA-5: the streamed CRL is byte for byte the one Bouncy Castle builds: reasons (0 without extension), serials with a high bit, UTCTime and GeneralizedTime")
    void sameAsBouncyCastle() throws Exception {
        List<RevokedEntry> entries = List.of(
                new RevokedEntry(BigInteger.ONE, Instant.parse("2026-01-02T03:04:05.678Z"), 0),
                new RevokedEntry(new BigInteger("ff00ff00ff00ff00ff", 16), Instant.parse("2026-11-01T00:00:00Z"), 1),
                new RevokedEntry(new BigInteger(127, new Random(1)).setBit(126), Instant.parse("2049-12-31T23:59:59Z"), 4),
                new RevokedEntry(BigInteger.valueOf(127), Instant.parse("2050-01-01T00:00:00Z"), 5),
                new RevokedEntry(BigInteger.valueOf(128), Instant.parse("1999-06-30T12:00:00Z"), 10));
        byte[][] crls = both(entries);
        assertThat(crls[1]).isEqualTo(crls[0]);
    }

    @Test
    @DisplayName("R-CA-5: with 100,000 entries (multi-byte DER lengths) and with none, the streamed CRL equals Bouncy Castle's and verifies")
    void largeAndEmpty() throws Exception {
        Random random = new Random(7);
        List<RevokedEntry> many = new ArrayList<>();
        int[] reasons = {0, 1, 3, 4, 5, 9};
        for (int i = 0; i < 100_000; i++) {
            many.add(new RevokedEntry(new BigInteger(72, random).setBit(64), Instant.ofEpochSecond(1_760_000_000L + random.nextInt(30_000_000)),
                    reasons[i % reasons.length]));
        }
        byte[][] large = both(many);
        assertThat(large[1]).isEqualTo(large[0]);
        X509CRL parsed = (X509CRL) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCRL(new java.io.ByteArrayInputStream(large[1]));
        parsed.verify(TestPki.shared().ca().certificate().getPublicKey());
        assertThat(parsed.getRevokedCertificates()).hasSize(100_000);

        byte[][] empty = both(List.of());
        assertThat(empty[1]).isEqualTo(empty[0]);
    }

    @Test
    @DisplayName("R-CA-5: a serial that is not positive or a reason RFC 5280 does not define is refused")
    void badEntries() {
        StreamingCrl crl = new StreamingCrl();
        assertThatThrownBy(() -> crl.add(BigInteger.ZERO, THIS_UPDATE, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> crl.add(BigInteger.TEN, THIS_UPDATE, 7)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> crl.add(BigInteger.TEN, THIS_UPDATE, 11)).isInstanceOf(IllegalArgumentException.class);
        assertThat(crl.count()).isZero();
    }
}
