package org.gridauth.gsi.gss;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsProtocol;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;
import org.gridauth.gsi.proxy.DelegationRequest;
import org.gridauth.gsi.proxy.ProxyInfo;
import org.gridauth.gsi.proxy.ProxyKind;
import org.gridauth.gsi.proxy.ProxyRequest;

/**
 * One GSI security context, initiator or acceptor, shaped like {@code org.ietf.jgss.GSSContext}: feed each token
 * received from the peer to {@link #initSecContext} or {@link #acceptSecContext} and send whatever they return
 * until {@link #isEstablished()}; then {@link #wrap}/{@link #unwrap} and {@link #getMIC}/{@link #verifyMIC}.
 *
 * <p>On the wire (Globus GSI, see the grid-protocols notes): context tokens are raw TLS 1.3 or 1.2 records; after
 * the handshake (and, in TLS 1.3, after the acceptor's answering 0x00 application byte, which keeps the tokens
 * alternating) the initiator sends one application byte, {@code 'D'} to delegate or {@code '0'} not to; on
 * {@code 'D'} the acceptor sends a DER PKCS#10 request for a fresh key and the initiator answers with the DER proxy
 * certificate it signed. Wrapped messages are TLS application records. MICs ("MICv2") are GMAC tags under keys
 * exported from the TLS session, with their own sequence numbers.
 *
 * <p>Not thread-safe, like a GSSContext: one caller drives it.
 */
public final class GsiContext implements AutoCloseable {

    private enum Phase { HANDSHAKE, AWAIT_TURN, AWAIT_FLAG, AWAIT_REQUEST, AWAIT_CERTIFICATE, ESTABLISHED, FAILED }

    private static final int MAX_DELEGATION_MESSAGE = 64 * 1024;

    private final boolean initiator;
    private final GsiOptions options;
    private final TlsProtocol tls;
    private final GsiTlsPeer peer;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private Phase phase = Phase.HANDSHAKE;
    private DelegationRequest delegationRequest;
    private Credential delegated;
    private MicKeys micKeys;
    private long micWriteSequence;
    private long micReadSequence;

    private GsiContext(boolean initiator, GsiOptions options) {
        this.initiator = initiator;
        this.options = options;
        JcaTlsCrypto crypto = (JcaTlsCrypto) new JcaTlsCryptoProvider().create(options.random());
        try {
            if (initiator) {
                TlsClientProtocol client = new TlsClientProtocol();
                GsiTlsPeer.Client peerClient = new GsiTlsPeer.Client(crypto, options);
                client.connect(peerClient);
                this.tls = client;
                this.peer = peerClient;
            } else {
                TlsServerProtocol server = new TlsServerProtocol();
                GsiTlsPeer.Server peerServer = new GsiTlsPeer.Server(crypto, options);
                server.accept(peerServer);
                this.tls = server;
                this.peer = peerServer;
            }
        } catch (IOException e) {
            throw new GridAuthException(GsiError.GSS_CONTEXT_STATE, e, "TLS could not start: " + e.getMessage());
        }
    }

    /** A context that will initiate; call {@link #initSecContext} with an empty token first. */
    public static GsiContext initiator(GsiOptions options) {
        if (options.credential() == null && options.delegation() != DelegationMode.NONE) {
            throw new IllegalArgumentException("an anonymous initiator cannot delegate");
        }
        return new GsiContext(true, options);
    }

    /** A context that will accept; call {@link #acceptSecContext} with each token from the initiator. */
    public static GsiContext acceptor(GsiOptions options) {
        if (options.credential() == null) {
            throw new IllegalArgumentException("an acceptor needs a host or service credential");
        }
        return new GsiContext(false, options);
    }

    /** The initiator's step: the token to send (possibly empty). */
    public byte[] initSecContext(byte[] input) {
        requireRole(true);
        offer(input);
        try {
            advanceInitiator();
        } catch (IOException e) {
            throw fail(e);
        }
        return drainOutput();
    }

    /** The acceptor's step: the token to send back (possibly empty). */
    public byte[] acceptSecContext(byte[] input) {
        requireRole(false);
        offer(input);
        try {
            advanceAcceptor();
        } catch (IOException e) {
            throw fail(e);
        }
        return drainOutput();
    }

    public boolean isEstablished() {
        return phase == Phase.ESTABLISHED;
    }

    public boolean isInitiator() {
        return initiator;
    }

    /** The peer's chain as it presented it, its own certificate first; empty for an anonymous initiator. */
    public List<X509Certificate> peerChain() {
        return peer.peerChain();
    }

    /** The peer's identity (the end-entity DN behind any proxies); empty for an anonymous initiator. */
    public Optional<GridDn> peerIdentity() {
        List<X509Certificate> chain = peer.peerChain();
        return chain.isEmpty() ? Optional.empty() : Optional.of(ProxyInfo.of(chain).identity());
    }

    /** Whether the peer authenticated with a limited proxy. */
    public boolean peerLimited() {
        List<X509Certificate> chain = peer.peerChain();
        return !chain.isEmpty() && ProxyInfo.of(chain).limited();
    }

    /** The proxy the initiator delegated (acceptor side), with its new key. */
    public Optional<Credential> delegatedCredential() {
        return Optional.ofNullable(delegated);
    }

    /** "TLSv1.3" or "TLSv1.2", once the handshake is done. */
    public String protocol() {
        return peer.context().getServerVersion() == null ? "" : peer.context().getServerVersion().getName().replace(" ", "v");
    }

    /** Protects a message: TLS application records (gss_wrap). */
    public byte[] wrap(byte[] message) {
        requireEstablished();
        try {
            tls.writeApplicationData(message, 0, message.length);
        } catch (IOException e) {
            throw fail(e);
        }
        return drainOutput();
    }

    /** Opens what {@link #wrap} produced on the other side (gss_unwrap). */
    public byte[] unwrap(byte[] token) {
        requireEstablished();
        offer(token);
        readApplicationData();
        byte[] message = pending.toByteArray();
        pending.reset();
        return message;
    }

    /**
     * A MICv2 token over the message (gss_get_mic): 8-byte sequence number, 4-byte message length, 16-byte GMAC
     * with IV = sequence number ‖ the first bytes of the exported fixed IV.
     */
    public byte[] getMIC(byte[] message) {
        requireEstablished();
        ByteBuffer token = ByteBuffer.allocate(28);
        token.putLong(micWriteSequence).putInt(message.length);
        token.put(micKeys().tag(micWriteSequence, message));
        micWriteSequence++;
        return token.array();
    }

    /**
     * Checks a MIC from the peer (gss_verify_mic); tokens must come in order, each once.
     *
     * @throws GridAuthException GA-CORE-084 when the MIC does not match, is replayed or out of order
     */
    public void verifyMIC(byte[] token, byte[] message) {
        requireEstablished();
        if (token.length != 28) {
            throw new GridAuthException(GsiError.GSS_MIC_INVALID, "the token has " + token.length + " bytes, not 28");
        }
        ByteBuffer in = ByteBuffer.wrap(token);
        long sequence = in.getLong();
        int length = in.getInt();
        byte[] tag = new byte[16];
        in.get(tag);
        if (length != message.length) {
            throw new GridAuthException(GsiError.GSS_MIC_INVALID, "the token covers " + length + " bytes, the message has " + message.length);
        }
        if (sequence != micReadSequence) {
            throw new GridAuthException(GsiError.GSS_MIC_INVALID, sequence < micReadSequence
                    ? "token " + sequence + " was already seen (replay)" : "token " + sequence + " arrived before " + micReadSequence);
        }
        if (!java.security.MessageDigest.isEqual(tag, micKeys().tag(sequence, message))) {
            throw new GridAuthException(GsiError.GSS_MIC_INVALID, "the tag does not match the message");
        }
        micReadSequence++;
    }

    @Override
    public void close() {
        try {
            tls.close();
        } catch (IOException ignored) {
            // the peer is gone or never came
        }
    }

    private void advanceInitiator() throws IOException {
        if (phase == Phase.HANDSHAKE && handshakeDone()) {
            peer.checkOutcome();
            if (TlsUtils.isTLSv13(peer.context())) {
                // In TLS 1.3 our Finished is the last handshake message, so Globus has the acceptor answer it with a
                // single 0x00 application byte before the initiator sends its delegation flag; tokens alternate.
                phase = Phase.AWAIT_TURN;
                return;
            }
            sendDelegationFlag();
        }
        if (phase == Phase.AWAIT_TURN) {
            readApplicationData();
            byte[] buffered = pending.toByteArray();
            if (buffered.length == 0) {
                return;
            }
            if (buffered[0] != 0) {
                throw new GridAuthException(GsiError.GSS_TOKEN_INVALID, "expected the acceptor's 0x00 byte after the TLS 1.3 handshake, got " + (buffered[0] & 0xff));
            }
            pending.reset();
            pending.write(buffered, 1, buffered.length - 1);
            sendDelegationFlag();
        }
        if (phase == Phase.AWAIT_REQUEST) {
            readApplicationData();
            byte[] der = completeDer();
            if (der != null) {
                byte[] certificate = signDelegation(der);
                tls.writeApplicationData(certificate, 0, certificate.length);
                phase = Phase.ESTABLISHED;
            }
        }
    }

    private void sendDelegationFlag() throws IOException {
        boolean delegate = options.delegation() != DelegationMode.NONE;
        tls.writeApplicationData(new byte[] {(byte) (delegate ? 'D' : '0')}, 0, 1);
        phase = delegate ? Phase.AWAIT_REQUEST : Phase.ESTABLISHED;
    }

    private void advanceAcceptor() throws IOException {
        if (phase == Phase.HANDSHAKE && handshakeDone()) {
            peer.checkOutcome();
            if (TlsUtils.isTLSv13(peer.context())) {
                // The initiator's Finished needs an answer before it sends its delegation flag (see advanceInitiator).
                tls.writeApplicationData(new byte[] {0}, 0, 1);
            }
            phase = Phase.AWAIT_FLAG;
        }
        if (phase == Phase.AWAIT_FLAG) {
            readApplicationData();
            byte[] buffered = pending.toByteArray();
            if (buffered.length > 0) {
                pending.reset();
                pending.write(buffered, 1, buffered.length - 1);
                if (buffered[0] == '0') {
                    phase = Phase.ESTABLISHED;
                } else if (buffered[0] == 'D') {
                    if (peer.peerChain().isEmpty()) {
                        throw new GridAuthException(GsiError.GSS_DELEGATION_FAILED, "an anonymous initiator cannot delegate");
                    }
                    delegationRequest = DelegationRequest.generate(2048, options.random());
                    byte[] request = delegationRequest.request().getEncoded();
                    tls.writeApplicationData(request, 0, request.length);
                    phase = Phase.AWAIT_CERTIFICATE;
                } else {
                    throw new GridAuthException(GsiError.GSS_TOKEN_INVALID, "expected the delegation flag 'D' or '0', got byte " + (buffered[0] & 0xff));
                }
            }
        }
        if (phase == Phase.AWAIT_CERTIFICATE) {
            readApplicationData();
            byte[] der = completeDer();
            if (der != null) {
                delegated = DelegatedProxy.accept(der, delegationRequest, peer.peerChain(), options.validator());
                phase = Phase.ESTABLISHED;
            }
        }
    }

    /** Initiator: signs the acceptor's request with our credential. */
    private byte[] signDelegation(byte[] der) {
        PKCS10CertificationRequest request;
        try {
            request = new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle throws ArrayIndexOutOfBoundsException for an empty SEQUENCE (found by GsiTokenFuzzTest)
            throw new GridAuthException(GsiError.GSS_DELEGATION_FAILED, e, "the acceptor's certificate request is not valid DER");
        }
        try {
            Credential own = options.credential();
            Duration left = Duration.between(options.clock().instant(), own.notAfter());
            if (left.isNegative() || left.isZero()) {
                throw new GridAuthException(GsiError.GSS_DELEGATION_FAILED, "our credential has expired");
            }
            ProxyKind kind = options.delegation() == DelegationMode.LIMITED ? ProxyKind.LIMITED : ProxyKind.IMPERSONATION;
            return options.signer().sign(own, request, new ProxyRequest(kind, left, null, 2048)).getEncoded();
        } catch (GridAuthException e) {
            if (e.code() == GsiError.GSS_DELEGATION_FAILED) {
                throw e;
            }
            throw new GridAuthException(GsiError.GSS_DELEGATION_FAILED, e, e.getMessage());
        } catch (GeneralSecurityException | RuntimeException e) {
            // e.g. a request whose public key does not parse
            throw new GridAuthException(GsiError.GSS_DELEGATION_FAILED, e, "the acceptor's certificate request cannot be signed");
        }
    }

    private boolean handshakeDone() {
        return tls.isConnected() && !tls.isHandshaking();
    }

    private void offer(byte[] input) {
        if (phase == Phase.FAILED) {
            throw new GridAuthException(GsiError.GSS_CONTEXT_STATE, "it failed earlier");
        }
        if (input == null || input.length == 0) {
            return;
        }
        try {
            tls.offerInput(input);
        } catch (IOException e) {
            throw fail(e);
        }
    }

    private void readApplicationData() {
        int available;
        while ((available = tls.getAvailableInputBytes()) > 0) {
            byte[] chunk = new byte[available];
            int n = tls.readInput(chunk, 0, available);
            pending.write(chunk, 0, n);
            if (phase != Phase.ESTABLISHED && pending.size() > MAX_DELEGATION_MESSAGE) {
                throw fail(new IOException("more than " + MAX_DELEGATION_MESSAGE + " bytes during context establishment"));
            }
        }
    }

    /** A complete DER TLV from the buffered application data, removed from the buffer; null if not all here yet. */
    private byte[] completeDer() {
        byte[] data = pending.toByteArray();
        if (data.length < 2) {
            return null;
        }
        if (data[0] != 0x30) {
            throw fail(new IOException("expected a DER SEQUENCE during delegation, got byte " + (data[0] & 0xff)));
        }
        int first = data[1] & 0xff;
        int header = 2;
        long length = first;
        if (first >= 0x80) {
            int count = first & 0x7f;
            if (count == 0 || count > 3) {
                throw fail(new IOException("a DER length of " + count + " bytes during delegation"));
            }
            if (data.length < 2 + count) {
                return null;
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (data[2 + i] & 0xff);
            }
            header += count;
        }
        if (data.length < header + length) {
            return null;
        }
        byte[] der = Arrays.copyOf(data, (int) (header + length));
        pending.reset();
        pending.write(data, der.length, data.length - der.length);
        return der;
    }

    private byte[] drainOutput() {
        int available = tls.getAvailableOutputBytes();
        byte[] out = new byte[available];
        if (available > 0) {
            tls.readOutput(out, 0, available);
        }
        return out;
    }

    private MicKeys micKeys() {
        if (micKeys == null) {
            micKeys = MicKeys.of(peer.micMaterial());
        }
        return micKeys;
    }

    private GridAuthException fail(IOException e) {
        phase = Phase.FAILED;
        GridAuthException recorded = peer.failure();
        if (recorded != null) {
            return recorded;
        }
        return new GridAuthException(GsiError.GSS_TOKEN_INVALID, e, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private void requireRole(boolean wantInitiator) {
        if (initiator != wantInitiator) {
            throw new GridAuthException(GsiError.GSS_CONTEXT_STATE, initiator ? "an initiator cannot accept" : "an acceptor cannot initiate");
        }
    }

    private void requireEstablished() {
        if (phase != Phase.ESTABLISHED) {
            throw new GridAuthException(GsiError.GSS_CONTEXT_STATE, "the context is not established");
        }
    }

    /** GMAC under the exported MICv2 key; IV = 8-byte sequence number ‖ the first 4 bytes of the fixed IV. */
    private record MicKeys(SecretKeySpec key, byte[] fixedIv) {

        static MicKeys of(GsiTlsPeer.MicMaterial material) {
            return new MicKeys(new SecretKeySpec(material.key(), "AES"), material.fixedIv());
        }

        byte[] tag(long sequence, byte[] message) {
            byte[] iv = ByteBuffer.allocate(12).putLong(sequence).put(fixedIv, 0, 4).array();
            try {
                Cipher gmac = Cipher.getInstance("AES/GCM/NoPadding");
                gmac.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
                gmac.updateAAD(message);
                return gmac.doFinal();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is unavailable", e);
            }
        }
    }
}
