package org.gridauth.ca.token;

import java.nio.file.Path;

import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Where the CA key lives: a PKCS#11 library and a slot. The provider configuration marks every private key the CA
 * generates as a token object that is private, sensitive and never extractable, usable only for signing.
 *
 * @param library the vendor's PKCS#11 module, e.g. {@code /usr/lib/softhsm/libsofthsm2.so}
 * @param slot    the slot ID (as {@code softhsm2-util --show-slots} or {@code pkcs11-tool -L} print it)
 */
public record Pkcs11Config(Path library, long slot) {

    public static final Path SOFTHSM2 = Path.of("/usr/lib/softhsm/libsofthsm2.so");

    public Pkcs11Config {
        if (library == null || !library.isAbsolute()) {
            throw new GridAuthException(CaError.CONFIGURATION_INVALID, "pkcs11.library", "an absolute path to the PKCS#11 library is required");
        }
        if (slot < 0) {
            throw new GridAuthException(CaError.CONFIGURATION_INVALID, "pkcs11.slot", "the slot ID cannot be negative");
        }
    }

    /** The SunPKCS11 configuration text. */
    String providerConfiguration() {
        return "name = gridauth-slot" + slot + "\n"
                + "library = " + library + "\n"
                + "slot = " + slot + "\n"
                // Generated private keys are created directly as token objects so the key store can label them
                // without ever reading the key material; the public half stays a session object (the
                // certificate carries it).
                + "attributes(generate, CKO_PRIVATE_KEY, *) = {\n"
                + "  CKA_TOKEN = true\n"
                + "  CKA_PRIVATE = true\n"
                + "  CKA_SENSITIVE = true\n"
                + "  CKA_EXTRACTABLE = false\n"
                + "  CKA_SIGN = true\n"
                + "  CKA_DECRYPT = false\n"
                + "  CKA_UNWRAP = false\n"
                + "}\n"
                + "attributes(generate, CKO_PUBLIC_KEY, *) = {\n"
                + "  CKA_TOKEN = false\n"
                + "}\n";
    }
}
