package org.gridauth.ca.policy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Coverage-guided fuzzing of certificate requests as the CA receives them (issue #11, R-CA-10: host and service
 * admins upload CSRs through the portal, which forwards them over the RA link). Contract of
 * {@link CsrInspector#inspect}: an inspected request or {@link GridAuthException} (GA-CA CSR malformed, bad
 * signature or forbidden extension); anything else would reach the RA as an unexplained failure. Corpus (DER and
 * PEM) in {@code CsrInspectorFuzzTestInputs/<method>/}.
 */
class CsrInspectorFuzzTest {

    private final CsrInspector inspector = new CsrInspector();

    @FuzzTest(maxDuration = "2m")
    void inspect(byte[] data) {
        try {
            inspector.inspect(data);
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }
}
