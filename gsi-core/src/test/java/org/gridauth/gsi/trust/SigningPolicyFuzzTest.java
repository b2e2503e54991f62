package org.gridauth.gsi.trust;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Coverage-guided fuzzing of Globus {@code .signing_policy} files (issue #11, R-RS-3: they arrive in IGTF trust
 * bundles). Contract: a namespace policy or {@link GridAuthException}; a parsed policy answers {@code permits}
 * without failing. Corpus in {@code SigningPolicyFuzzTestInputs/<method>/}.
 */
class SigningPolicyFuzzTest {

    private static final GridDn PROBE = GridDn.fromOpenSsl("/C=JP/O=Grid/CN=Taro Yamada 000001");

    @FuzzTest(maxDuration = "2m")
    void parseSigningPolicy(byte[] data) {
        try {
            NamespacePolicy.parseSigningPolicy(new String(data, StandardCharsets.UTF_8), "fuzz input").permits(PROBE);
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }
}
