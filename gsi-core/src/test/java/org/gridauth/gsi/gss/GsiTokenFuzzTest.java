package org.gridauth.gsi.gss;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.proxy.DelegationRequest;
import org.gridauth.gsi.proxy.ProxyKind;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsi.trust.RevocationMode;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the GSI GSSAPI mechanism's tokens as a peer sends them (issue #11, R-RS-1: the GSI-SSH
 * gateway accepts context tokens, a delegated proxy and MICs from anyone who connects; no service takes wrap tokens
 * from a peer, {@link GsiContext#unwrap} has no caller outside the tests, so it is not a target). Contract: {@link GsiContext#acceptSecContext},
 * {@link GsiContext#initSecContext}, {@link GsiContext#verifyMIC} and the acceptor's check of a delegated proxy
 * ({@link DelegatedProxy#accept}) return or throw {@link GridAuthException}
 * (GA-CORE-08x); a NullPointerException, an out-of-bounds index, a ClassCastException, running out of memory or a
 * hang is a finding. Corpus in {@code GsiTokenFuzzTestInputs/<method>/}: real tokens of a Java initiator and
 * acceptor (TLS 1.3 and 1.2), so the fuzzer starts inside the handshake instead of at the record header.
 */
class GsiTokenFuzzTest {

    private static final TestPki PKI = TestPki.shared();
    private static final ChainValidator VALIDATOR = new ChainValidator(PKI.trustDir(), RevocationMode.IF_AVAILABLE, false, Duration.ofHours(1));
    private static final Credential PROXY = new ProxyMaker(Clock.systemUTC()).create(PKI.user(), ProxyRequest.of(ProxyKind.IMPERSONATION, Duration.ofHours(12)));
    private static final GsiOptions ACCEPTOR = GsiOptions.acceptor(PKI.host(), VALIDATOR);
    private static final GsiOptions INITIATOR = GsiOptions.initiator(PROXY, VALIDATOR, TargetName.hostBased(PKI.hostName()));

    /** The first token an acceptor receives (a TLS ClientHello, or anything a client sends instead). */
    @FuzzTest(maxDuration = "2m")
    void acceptorToken(byte[] data) {
        try (GsiContext acceptor = GsiContext.acceptor(ACCEPTOR)) {
            acceptor.acceptSecContext(data);
            acceptor.isEstablished();
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    /**
     * The acceptor's answer to an initiator's ClientHello: ServerHello and, in TLS 1.2, the acceptor's certificate
     * chain in clear, which the initiator checks (validator, target name) before any signature.
     */
    @FuzzTest(maxDuration = "2m")
    void initiatorToken(byte[] data) {
        try (GsiContext initiator = GsiContext.initiator(INITIATOR)) {
            initiator.initSecContext(new byte[0]);
            initiator.initSecContext(data);
            initiator.isEstablished();
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    /**
     * What follows the handshake when the initiator delegates: the TLS 1.3 turn byte 0x00 and the acceptor's DER
     * PKCS#10 request for the proxy, decrypted by TLS, read by the initiator's own DER framing and signed. Each run
     * makes a real TLS 1.3 handshake with an acceptor whose application data is the input (slow: a few hundred runs a
     * second).
     */
    @FuzzTest(maxDuration = "2m")
    void delegationRequest(byte[] data) throws IOException {
        JcaTlsCrypto crypto = (JcaTlsCrypto) new JcaTlsCryptoProvider().create(new SecureRandom());
        TlsServerProtocol server = new TlsServerProtocol();
        GsiTlsPeer.Server peer = new GsiTlsPeer.Server(crypto, ACCEPTOR);
        server.accept(peer);
        try (GsiContext initiator = GsiContext.initiator(INITIATOR.withDelegation(DelegationMode.FULL))) {
            byte[] token = initiator.initSecContext(new byte[0]);
            for (int round = 0; round < 4 && (server.isHandshaking() || !server.isConnected()); round++) {
                server.offerInput(token);
                token = initiator.initSecContext(drain(server));
            }
            if (server.isHandshaking()) {
                throw new AssertionError("the test handshake did not complete");
            }
            server.writeApplicationData(data, 0, data.length);
            initiator.initSecContext(drain(server));
            initiator.isEstablished();
        } catch (GridAuthException expected) {
            // the documented refusal
        } finally {
            server.close();
        }
    }

    /**
     * What an acceptor receives when the initiator delegates (gsissh with delegation, any GSI service taking a
     * proxy): the DER proxy certificate signed for the acceptor's request, after TLS decrypted it and the context's
     * DER framing (fuzzed by {@link #delegationRequest} on the initiator's side) cut it out. Called below the TLS
     * layer so that it runs thousands of times a second; the request's key is fixed ({@code delegation-fuzz-key.pem})
     * so that inputs can carry it and go on to the chain checks.
     */
    @FuzzTest(maxDuration = "2m")
    void delegatedCertificate(byte[] data) {
        try {
            DelegatedProxy.accept(data, FixedDelegation.REQUEST, PROXY.chain(), VALIDATOR);
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    /** MICv2 tokens on an established context: the first 28 bytes are the token, the rest the message. */
    @FuzzTest(maxDuration = "2m")
    void mic(byte[] data) {
        byte[] token = Arrays.copyOf(data, Math.min(28, data.length));
        byte[] message = data.length > 28 ? Arrays.copyOfRange(data, 28, data.length) : new byte[0];
        try {
            EstablishedPair.ACCEPTOR.verifyMIC(token, message);
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    /** The acceptor's request for the fixed key of the corpus (loaded on first use). */
    private static final class FixedDelegation {
        static final DelegationRequest REQUEST;

        static {
            try {
                Path file = Path.of(GsiTokenFuzzTest.class.getResource("delegation-fuzz-key.pem").toURI());
                Credential fixed = CredentialFiles.readProxy(file);
                REQUEST = DelegationRequest.forKey(new KeyPair(fixed.certificate().getPublicKey(), fixed.privateKey()));
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One established pair for the MIC target (made on first use: the other targets do not need it). */
    private static final class EstablishedPair {
        static final GsiContext INITIATOR_SIDE = GsiContext.initiator(INITIATOR);
        static final GsiContext ACCEPTOR = GsiContext.acceptor(GsiTokenFuzzTest.ACCEPTOR);

        static {
            GsiContextTest.establish(INITIATOR_SIDE, ACCEPTOR);
        }
    }

    private static byte[] drain(TlsServerProtocol server) {
        byte[] out = new byte[server.getAvailableOutputBytes()];
        server.readOutput(out, 0, out.length);
        return out;
    }
}
