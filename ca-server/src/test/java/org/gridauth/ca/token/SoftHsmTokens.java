package org.gridauth.ca.token;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridauth.gsi.testing.GridTools;

/**
 * Fresh SoftHSM2 tokens for tests. SoftHSM2 reads {@code SOFTHSM2_CONF} and scans its token directory once per
 * process, when the first PKCS#11 provider loads it; tokens initialised later are invisible (CKR_SLOT_ID_INVALID).
 * So the surefire JVM gets {@code SOFTHSM2_CONF} pointing under target/ (see the pom), and the first claim writes
 * that file and initialises a pool of tokens with {@code softhsm2-util} before any test opens one. Each claim
 * hands out a token no other test has touched.
 */
public final class SoftHsmTokens {

    private static final int POOL = 24;
    private static final Pattern SLOT = Pattern.compile("reassigned to slot (\\d+)");

    /** One claimed token: its slot, label, and the user PIN and SO PIN it was initialised with. */
    public record Token(Pkcs11Config config, String label, String pin, String soPin) {
        public char[] pinChars() {
            return pin.toCharArray();
        }
    }

    private static Deque<Token> free;

    private SoftHsmTokens() {
    }

    public static synchronized Token claim() {
        if (free == null) {
            free = initialise();
        }
        if (free.isEmpty()) {
            fail("all " + POOL + " test tokens are taken; raise SoftHsmTokens.POOL");
        }
        return free.pop();
    }

    private static Deque<Token> initialise() {
        GridTools.require("softhsm2-util", "softhsm2");
        String conf = System.getenv("SOFTHSM2_CONF");
        String dirProperty = System.getProperty("gridauth.softhsm.dir");
        if (conf == null || dirProperty == null || !Path.of(conf).equals(Path.of(dirProperty, "softhsm2.conf"))) {
            fail("run the tests through Maven: SOFTHSM2_CONF must name gridauth.softhsm.dir/softhsm2.conf before the JVM starts");
        }
        Path dir = Path.of(dirProperty);
        Path tokens = dir.resolve("tokens");
        try {
            if (Files.exists(tokens)) {
                try (var walk = Files.walk(tokens)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(tokens);
            Files.writeString(Path.of(conf), "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Deque<Token> pool = new ArrayDeque<>();
        java.security.SecureRandom random = new java.security.SecureRandom();
        for (int i = 1; i <= POOL; i++) {
            String label = "gridauth-test-" + i;
            String pin = "pin-" + HexFormat.of().formatHex(random.generateSeed(6));
            String soPin = "so-" + HexFormat.of().formatHex(random.generateSeed(6));
            GridTools.Result result = GridTools.run(List.of("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin,
                    "--so-pin", soPin), Map.of("SOFTHSM2_CONF", conf), null, Duration.ofSeconds(30));
            Matcher slot = SLOT.matcher(result.all());
            if (result.exitCode() != 0 || !slot.find()) {
                fail("softhsm2-util --init-token failed: " + result.all());
            }
            pool.add(new Token(new Pkcs11Config(Pkcs11Config.SOFTHSM2, Long.parseLong(slot.group(1))), label, pin, soPin));
        }
        return pool;
    }
}
