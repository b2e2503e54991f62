package org.gridauth.gsi.credential;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Coverage-guided fuzzing of PEM texts and credential files read from bytes (issue #11, R-MP-1, R-RA-6, R-CM-1: proxy files,
 * usercert/userkey, PKCS#12 bundles and uploaded PEM come from users). Contract: the readers return a value or
 * throw {@link GridAuthException}; anything else (NullPointerException, ClassCastException, an out-of-bounds
 * index, running out of memory or a hang) is a finding. Corpus in {@code PemFuzzTestInputs/<method>/}.
 */
class PemFuzzTest {

    private static final char[] PASSPHRASE = "fuzz-passphrase".toCharArray();

    @FuzzTest(maxDuration = "2m")
    void decode(byte[] data) {
        try {
            Pem.Content content = Pem.decode(data, "fuzz input");
            content.certificates().forEach(c -> c.getSubjectX500Principal());
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    /** The userkey.pem / stored-credential path: decode, recognise encryption, decrypt. */
    @FuzzTest(maxDuration = "2m")
    void privateKey(byte[] data) {
        try {
            CredentialFiles.isEncryptedKey(data, "fuzz input");
            CredentialFiles.decryptPrivateKey(data, PASSPHRASE, "fuzz input");
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    @FuzzTest(maxDuration = "2m")
    void pkcs12(byte[] data) {
        try {
            CredentialFiles.fromPkcs12(data, PASSPHRASE, "fuzz input");
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }
}
