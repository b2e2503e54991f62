package org.gridauth.gsi.gridmap;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Coverage-guided fuzzing of grid-mapfile text (issue #11, R-RS-1, R-RS-2: sites edit grid-mapfiles by hand and receive
 * them from feeds). Contract: {@link GridMapFile#parse} returns the entries or throws
 * {@link GridMapFile.MalformedLine}; a parsed file answers lookups without failing. Corpus in
 * {@code GridMapFileFuzzTestInputs/<method>/}.
 */
class GridMapFileFuzzTest {

    private static final GridDn PROBE = GridDn.fromOpenSsl("/C=JP/O=Grid/CN=Taro Yamada 000001");

    @FuzzTest(maxDuration = "2m")
    void parse(byte[] data) {
        try {
            GridMapFile file = GridMapFile.parse(new String(data, StandardCharsets.UTF_8), "fuzz input");
            file.permits(PROBE, "taro");
            for (GridMapEntry entry : file.entries()) {
                try {
                    file.lookup(GridDn.fromOpenSsl(entry.dn()));
                } catch (GridAuthException notADn) {
                    // a line may hold a DN the library would not build; the file still parses (Globus accepts it)
                }
            }
        } catch (GridMapFile.MalformedLine expected) {
            // the documented refusal
        }
    }
}
