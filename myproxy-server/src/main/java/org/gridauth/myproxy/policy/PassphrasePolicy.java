package org.gridauth.myproxy.policy;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How good a new credential passphrase must be: a minimum length (MyProxy's own minimum is 6) and, optionally, the
 * reference server's passphrase_policy_program, run on every passphrase that is set or changed.
 *
 * @param minimumLength shortest passphrase accepted
 * @param program       full path of the external checker, if any
 */
public record PassphrasePolicy(int minimumLength, Optional<Path> program) {

    public PassphrasePolicy {
        if (minimumLength < 6) {
            throw new IllegalArgumentException("min passphrase length must be at least 6 (MyProxy's own minimum)");
        }
        if (program.isPresent() && !program.get().isAbsolute()) {
            throw new IllegalArgumentException("passphrase_policy_program must be a full path, not \"" + program.get() + "\"");
        }
    }

    public boolean longEnough(String passphrase) {
        return passphrase.length() >= minimumLength;
    }
}
