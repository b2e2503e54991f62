package org.gridauth.certmanager.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.gridauth.certmanager.protocol.PortalMessages.IssueRequest;
import org.gridauth.certmanager.protocol.PortalMessages.ProxyRequest;
import org.gridauth.certmanager.protocol.PortalMessages.RevokeRequest;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Coverage-guided fuzzing of the portal API's JSON bodies (issue #11, R-CM-2, R-RA-3: the portal forwards what a
 * researcher typed). Contract of {@link JsonCodec#read}: a message or {@link GridAuthException} (GA-CM request
 * invalid), never another exception that would become an HTTP 500 without a code. Corpus in
 * {@code JsonCodecFuzzTestInputs/<method>/}.
 */
class JsonCodecFuzzTest {

    private final JsonCodec codec = new JsonCodec();

    @FuzzTest(maxDuration = "2m")
    void read(byte[] data) {
        for (Class<?> type : new Class<?>[] {IssueRequest.class, ProxyRequest.class, RevokeRequest.class}) {
            try {
                codec.read(data, type);
            } catch (GridAuthException expected) {
                // the documented refusal
            }
        }
    }
}
