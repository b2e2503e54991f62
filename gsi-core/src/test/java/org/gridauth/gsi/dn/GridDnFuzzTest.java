package org.gridauth.gsi.dn;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Coverage-guided fuzzing of DN strings (issue #11, R-RS-1, R-CA-1: names come from grid-mapfiles, web forms, the
 * RA link and certificates). Contract: a DN string either parses into a {@link GridDn} whose printed forms can
 * be produced, or is refused with a {@link GridAuthException}; any other exception or a hang is a finding.
 * In the normal test run each method replays its corpus in {@code GridDnFuzzTestInputs/<method>/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes (see benchmarks/run-fuzz.sh).
 */
class GridDnFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            printAll(GridDn.parse(text));
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    @FuzzTest(maxDuration = "2m")
    void fromOpenSsl(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            GridDn dn = GridDn.fromOpenSsl(text);
            printAll(dn);
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    @FuzzTest(maxDuration = "2m")
    void fromRfc2253(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            printAll(GridDn.fromRfc2253(text));
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    /** A parsed name must print in every form a caller may ask for (grid-mapfile, LDAP, logs). */
    private static void printAll(GridDn dn) {
        dn.toOpenSsl();
        dn.toRfc2253();
        dn.canonical();
        dn.toString();
    }
}
