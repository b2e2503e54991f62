package org.gridauth.certmanager.policy;

import java.security.MessageDigest;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;

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

    private static boolean same(char[] a, char[] b) {
        byte[] x = StandardCharsets.UTF_8.encode(CharBuffer.wrap(a)).array();
        byte[] y = StandardCharsets.UTF_8.encode(CharBuffer.wrap(b)).array();
        return a.length == b.length && MessageDigest.isEqual(x, y);
    }
}
