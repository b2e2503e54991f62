package org.gridauth.certmanager.registry;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Coverage-guided fuzzing of the HPCI office's registry import files (issue #11, R-CM-4: CSV and JSON exports
 * arrive from another organisation's systems). Contract: a {@link ParsedSource} (whose problems list names every
 * bad record) or a {@link GridAuthException}; any other exception or a hang is a finding. Each input is read
 * as every registry kind. Corpus in {@code RegistrySourceFuzzTestInputs/<method>/}.
 */
class RegistrySourceFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void csv(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        for (RegistryKind kind : RegistryKind.values()) {
            try {
                CsvRegistrySource.parse(text, kind, "fuzz.csv");
            } catch (GridAuthException expected) {
                // the documented refusal
            }
        }
    }

    @FuzzTest(maxDuration = "2m")
    void json(byte[] data) {
        for (RegistryKind kind : RegistryKind.values()) {
            try {
                JsonRegistrySource.parse(data, kind, "fuzz.json");
            } catch (GridAuthException expected) {
                // the documented refusal
            }
        }
    }
}
