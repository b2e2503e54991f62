package org.gridauth.myproxy.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.proxy.ProxyInfo;

/**
 * Coverage-guided fuzzing of what a MyProxy client sends (issue #11, R-MP-1: port 7512 takes anyone's bytes
 * after the TLS handshake). Contract of the wire codec: a value, a {@link ProtocolException} (sent back as an
 * {@code ERROR=} line) or an {@link EOFException} when the peer hung up; what the session then does with a chain
 * ({@link ProxyInfo}) refuses with {@link GridAuthException}. Anything else would end the session with an
 * unexplained error and is a finding. Corpus in {@code MyProxyProtocolFuzzTestInputs/<method>/}.
 */
class MyProxyProtocolFuzzTest {

    /** The server's default request size limit (myproxy-server.config has none; the session bounds every part). */
    private static final int LIMIT = 1 << 20;

    @FuzzTest(maxDuration = "2m")
    void request(byte[] data) throws IOException {
        try {
            MyProxyRequest request = MyProxyRequest.parse(MessageIo.readMessage(new ByteArrayInputStream(data), LIMIT));
            request.toString();
            MyProxyRequest.parse(strip(request.encode()));
        } catch (ProtocolException | EOFException expected) {
            // the documented refusal
        }
    }

    /** The client's reply to a delegation (PUT) and its certificate request (GET), as the session reads them. */
    @FuzzTest(maxDuration = "2m")
    void delegationReply(byte[] data) throws IOException {
        try {
            List<X509Certificate> chain = MessageIo.readChain(new ByteArrayInputStream(data), LIMIT);
            ProxyInfo.of(chain);
        } catch (ProtocolException | EOFException | GridAuthException expected) {
            // the documented refusal
        }
        try {
            MessageIo.readRequest(new ByteArrayInputStream(data), LIMIT).getSubject();
        } catch (ProtocolException | EOFException expected) {
            // the session answers "the certificate request is not valid DER"
        }
    }

    @FuzzTest(maxDuration = "2m")
    void authorizationAnswer(byte[] data) throws IOException {
        try {
            AuthorizationAnswer.read(new ByteArrayInputStream(data), LIMIT);
        } catch (ProtocolException | EOFException expected) {
            // the documented refusal
        }
    }

    @FuzzTest(maxDuration = "2m")
    void response(byte[] data) {
        try {
            MyProxyResponse response = MyProxyResponse.parse(data);
            response.errorText();
            response.value("CRED_OWNER");
        } catch (ProtocolException expected) {
            // the documented refusal
        }
    }

    private static byte[] strip(byte[] encoded) {
        return java.util.Arrays.copyOf(encoded, encoded.length - 1);
    }
}
