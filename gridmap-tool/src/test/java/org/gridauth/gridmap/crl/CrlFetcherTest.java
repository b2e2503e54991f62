package org.gridauth.gridmap.crl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.gridauth.gridmap.FileServer;
import org.gridauth.gridmap.cli.ExitCode;
import org.gridauth.gridmap.cli.GridmapCommand;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.crl.CrlMaker;
import org.gridauth.gsi.crl.RevokedEntry;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsi.trust.TrustDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gridmap crl: fetch-crl semantics for every CA of the trust directory (R-RS-3). */
class CrlFetcherTest {

    @TempDir
    Path dir;

    private TestPki pki;
    private FileServer server;
    private String hash;
    private Path r0;

    @BeforeEach
    void setUp() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        server = new FileServer();
        hash = TrustDirectory.subjectHash(pki.ca().certificate().getSubjectX500Principal());
        r0 = pki.trustDir().resolve(hash + ".r0");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private X509CRL crl(TestPki signer, long number, Instant thisUpdate, Instant nextUpdate, X509Certificate... revoked) {
        return new CrlMaker().make(signer.ca().certificate(), signer.caSigner(), BigInteger.valueOf(number), thisUpdate, nextUpdate,
                java.util.Arrays.stream(revoked).map(c -> new RevokedEntry(c.getSerialNumber(), thisUpdate, 1)).toList());
    }

    private void publish(byte[] content) throws Exception {
        Files.writeString(pki.trustDir().resolve(hash + ".crl_url"), server.publish("/crl/" + hash + ".crl", content) + "\n");
    }

    private Result run(String... extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = new String[extra.length + 3];
        args[0] = "crl";
        args[1] = "--dir";
        args[2] = pki.trustDir().toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        ExitCode code = new GridmapCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), Clock.systemUTC()).run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    record Result(ExitCode code, String out, String err) {
    }

    @Test
    @DisplayName("R-RS-3: a fresh CRL (DER) is installed as <hash>.r0 and then rejects the revoked certificate; the same CRL again changes nothing")
    void installsFreshCrl() throws Exception {
        Instant now = Instant.now();
        X509CRL crl = crl(pki, 10, now.minusSeconds(60), now.plus(Duration.ofDays(30)), pki.user().certificate());
        publish(crl.getEncoded());
        Result result = run();
        assertThat(result.code()).as(result.err()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).contains("installed a CRL with 1 entries");
        assertThat(Files.readString(r0)).startsWith("-----BEGIN X509 CRL-----");
        try (ChainValidator validator = ChainValidator.strict(pki.trustDir())) {
            assertThat(validator.validate(pki.user().chain()).valid()).isFalse();
        }
        assertThat(run().out()).contains("unchanged");

        GridTools.require("openssl", "openssl");
        Path userPem = dir.resolve("user.pem");
        Files.writeString(userPem, Pem.encode(pki.user().certificate()));
        GridTools.Result verify = GridTools.run(List.of("openssl", "verify", "-crl_check", "-CApath", pki.trustDir().toString(), userPem.toString()),
                Map.of(), null, Duration.ofSeconds(30));
        assertThat(verify.all()).as("openssl reads the installed CRL").contains("certificate revoked");
    }

    @Test
    @DisplayName("R-RS-3: a CRL signed by another key, a stale one, one from the future, an older one and garbage are refused; the installed CRL stays")
    void refusesBadCrls() throws Exception {
        Instant now = Instant.now();
        publish(crl(pki, 20, now.minusSeconds(60), now.plus(Duration.ofDays(30))).getEncoded());
        assertThat(run().code()).isEqualTo(ExitCode.OK);
        byte[] good = Files.readAllBytes(r0);

        TestPki impostor = TestPki.create(dir.resolve("impostor"));
        publish(crl(impostor, 99, now.minusSeconds(60), now.plus(Duration.ofDays(30))).getEncoded());
        Result forged = run();
        assertThat(forged.code()).isEqualTo(ExitCode.FAILED);
        assertThat(forged.err()).contains("GA-GM-004").contains("signature does not verify");

        publish(crl(pki, 21, now.minus(Duration.ofDays(40)), now.minus(Duration.ofDays(10))).getEncoded());
        assertThat(run().err()).contains("nextUpdate").contains("in the past");
        publish(crl(pki, 22, now.plus(Duration.ofDays(3)), now.plus(Duration.ofDays(30))).getEncoded());
        assertThat(run().err()).contains("in the future");
        assertThat(run("--aging-tolerance", "96").code()).as("within a 96-hour tolerance").isEqualTo(ExitCode.OK);
        good = Files.readAllBytes(r0);
        publish(crl(pki, 5, now.minusSeconds(60), now.plus(Duration.ofDays(30))).getEncoded());
        assertThat(run().err()).contains("older than the installed CRL");
        publish("<html>maintenance</html>".getBytes(StandardCharsets.UTF_8));
        assertThat(run().err()).contains("not a CRL");
        assertThat(Files.readAllBytes(r0)).isEqualTo(good);
    }

    @Test
    @DisplayName("R-RS-3: an unreachable CRL URL or a CA without any URL is a failure (exit 1) naming the CA; other CAs are still refreshed")
    void unreachableAndMissing() throws Exception {
        Files.writeString(pki.trustDir().resolve(hash + ".crl_url"), "http://127.0.0.1:1/nothing.crl\n");
        Result unreachable = run("--timeout", "5");
        assertThat(unreachable.code()).isEqualTo(ExitCode.FAILED);
        assertThat(unreachable.err()).contains("GA-GM-003").contains(hash);
        Files.delete(pki.trustDir().resolve(hash + ".crl_url"));
        Files.writeString(pki.trustDir().resolve(hash + ".info"), "alias = test\n");
        assertThat(run().err()).contains("GA-GM-002");
        Instant now = Instant.now();
        Files.writeString(pki.trustDir().resolve(hash + ".info"), "alias = test\ncrl_url = http://127.0.0.1:1/down.crl;"
                + server.publish("/mirror.crl", Pem.encode(crl(pki, 30, now.minusSeconds(60), now.plus(Duration.ofDays(30)))).getBytes(StandardCharsets.US_ASCII))
                + "\n");
        Result mirror = run("--timeout", "5");
        assertThat(mirror.code()).as("the second URL of .info is a mirror").isEqualTo(ExitCode.OK);
        assertThat(mirror.out()).contains("/mirror.crl");
    }

    @Test
    @DisplayName("R-RS-3: a missing trust directory is an error, not an empty success")
    void missingDirectory() {
        CrlFetcher fetcher = new CrlFetcher(Duration.ofSeconds(5), Duration.ofHours(24), Clock.systemUTC());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fetcher.refreshAll(dir.resolve("absent")))
                .isInstanceOf(GridAuthException.class).hasMessageContaining("GA-GM-005");
    }
}
