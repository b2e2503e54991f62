package org.gridauth.certmanager.policy;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * What a new passphrase must be (R-RA-3, R-RA-8): long enough, and typed the same twice.
 *
 * @param minimumLength at least this many characters (MyProxy's default policy asks for 6; the store asks more)
 */
public record PassphraseRule(int minimumLength) {

    public PassphraseRule {
        if (minimumLength < 1) {
            throw new IllegalArgumentException("the minimum passphrase length must be positive");
        }
    }

    /** @param what names the passphrase in the error ("private-key passphrase", "proxy storage passphrase") */
    public void check(String what, char[] passphrase, char[] confirmation) {
        if (passphrase == null || passphrase.length < minimumLength) {
            throw new GridAuthException(CertManagerError.PASSPHRASE_TOO_WEAK, what, minimumLength);
        }
        if (confirmation == null || !same(passphrase, confirmation)) {
            throw new GridAuthException(CertManagerError.PASSPHRASES_DIFFER, what);
        }
    }

    /** Constant-time for equal lengths: the comparison does not tell how many leading characters matched. */
    private static boolean same(char[] a, char[] b) {
        if (a.length != b.length) {
            return false;
        }
        int difference = 0;
        for (int i = 0; i < a.length; i++) {
            difference |= a[i] ^ b[i];
        }
        return difference == 0;
    }
}
