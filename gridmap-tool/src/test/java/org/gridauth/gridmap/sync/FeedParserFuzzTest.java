package org.gridauth.gridmap.sync;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Coverage-guided fuzzing of the certificate manager's feed as a site reads it (issue #11, R-RS-2, R-RS-4: the
 * feed crosses the network, and a saved snapshot is a file anyone with the directory can edit). Contract of
 * {@link FeedParser#parse}: the entries go to the sink and it returns, or it throws {@link GridAuthException}
 * (GA-GM feed invalid) or an {@link IOException} (malformed JSON, as a cut connection); anything else is a
 * finding. Corpus in {@code FeedParserFuzzTestInputs/<method>/}.
 */
class FeedParserFuzzTest {

    private static final URI SOURCE = URI.create("https://cm.example.jp:8444/v1/feed");

    @FuzzTest(maxDuration = "2m")
    void parse(byte[] data) {
        FeedSink sink = new FeedSink() {
            @Override
            public void begin(boolean full, String site, String since, String cursor) {
            }

            @Override
            public void entry(FeedEntry entry) {
                entry.toString();
            }
        };
        try {
            new FeedParser().parse(new ByteArrayInputStream(data), SOURCE, sink);
        } catch (GridAuthException | IOException expected) {
            // the documented refusal
        }
    }
}
