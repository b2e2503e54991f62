package org.gridauth.ra.policy;

import java.util.Arrays;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;

/**
 * Passphrase rules for the private key (min 12 by default, as the certificate manager demands) and the MyProxy
 * storage passphrase. The strength score is the one the page's meter shows (static/passphrase.js computes the same),
 * so what the meter calls "acceptable" is what the server accepts.
 */
public record PassphrasePolicy(int minLength, int maxLength) {

    /** 0 (empty) to 4 (strong): length steps plus character variety. */
    public static int score(char[] passphrase) {
        if (passphrase == null || passphrase.length == 0) {
            return 0;
        }
        int classes = 0;
        boolean lower = false;
        boolean upper = false;
        boolean digit = false;
        boolean other = false;
        for (char c : passphrase) {
            if (Character.isLowerCase(c)) {
                lower = true;
            } else if (Character.isUpperCase(c)) {
                upper = true;
            } else if (Character.isDigit(c)) {
                digit = true;
            } else {
                other = true;
            }
        }
        classes = (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
        int length = passphrase.length;
        int score = length >= 20 ? 3 : length >= 16 ? 2 : length >= 12 ? 1 : 0;
        if (classes >= 3 && score > 0) {
            score++;
        }
        return Math.min(score, 4);
    }

    /** GA-RA-013 when the two entries differ, GA-RA-014 when too weak; never echoes the passphrase. */
    public void check(String label, char[] passphrase, char[] confirmation) {
        if (passphrase == null || passphrase.length == 0) {
            throw new GridAuthException(RaError.PASSPHRASE_WEAK, label, "it is empty");
        }
        if (confirmation == null || !Arrays.equals(passphrase, confirmation)) {
            throw new GridAuthException(RaError.PASSPHRASE_MISMATCH, label);
        }
        if (passphrase.length > maxLength) {
            throw new GridAuthException(RaError.PASSPHRASE_WEAK, label, "it is longer than " + maxLength + " characters");
        }
        if (passphrase.length < minLength) {
            throw new GridAuthException(RaError.PASSPHRASE_WEAK, label, "it has fewer than " + minLength + " characters");
        }
        for (char c : passphrase) {
            if (Character.isISOControl(c)) {
                throw new GridAuthException(RaError.PASSPHRASE_WEAK, label, "it contains control characters");
            }
        }
        if (allSame(passphrase)) {
            throw new GridAuthException(RaError.PASSPHRASE_WEAK, label, "it repeats one character");
        }
    }

    private static boolean allSame(char[] p) {
        for (char c : p) {
            if (c != p[0]) {
                return false;
            }
        }
        return true;
    }
}
