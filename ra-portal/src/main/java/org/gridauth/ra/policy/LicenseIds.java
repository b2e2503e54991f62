package org.gridauth.ra.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * License IDs (R-RA-2): 20 characters of Crockford base32 (100 random bits), shown as four groups of five. Only the
 * SHA-256 of the normalised form is stored; 100 bits make guessing hopeless, so no salt is needed and the hash can
 * be looked up directly.
 */
public final class LicenseIds {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    public static final int LENGTH = 20;

    private final SecureRandom random;

    public LicenseIds(SecureRandom random) {
        this.random = random;
    }

    public String generate() {
        StringBuilder out = new StringBuilder(LENGTH + 3);
        for (int i = 0; i < LENGTH; i++) {
            if (i > 0 && i % 5 == 0) {
                out.append('-');
            }
            out.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return out.toString();
    }

    /**
     * The canonical form of what a person typed (hyphens and spaces dropped, case folded, O→0, I/L→1), or null when
     * it cannot be a license ID at all.
     */
    public static String normalise(String typed) {
        if (typed == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(LENGTH);
        for (char c : typed.toUpperCase(Locale.ROOT).toCharArray()) {
            if (c == '-' || c == ' ') {
                continue;
            }
            char d = switch (c) {
                case 'O' -> '0';
                case 'I', 'L' -> '1';
                default -> c;
            };
            if (new String(ALPHABET).indexOf(d) < 0) {
                return null;
            }
            out.append(d);
            if (out.length() > LENGTH) {
                return null;
            }
        }
        return out.length() == LENGTH ? out.toString() : null;
    }

    public static String hash(String normalised) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(normalised.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
