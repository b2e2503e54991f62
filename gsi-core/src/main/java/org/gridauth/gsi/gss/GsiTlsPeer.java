package org.gridauth.gsi.gss;

import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Vector;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;
import org.gridauth.gsi.proxy.ProxyInfo;

/**
 * The TLS side of a {@link GsiContext}: Bouncy Castle's client or server with GSI's rules. Only AEAD suites are
 * offered (AES-GCM, which MICv2 is defined for); the peer's chain goes through gsi-core's validator (trust
 * directory, signing policy, CRLs, RFC 3820 proxy rules) instead of Java's PKIX, which knows nothing of proxies.
 * A refusal is remembered so the caller sees the real reason, not just the TLS alert.
 */
sealed interface GsiTlsPeer {

    int[] SUITES = {CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256};

    TlsContext context();

    /** What this side learned during the handshake. */
    PeerState state();

    default List<X509Certificate> peerChain() {
        return state().chain;
    }

    /** Why this side refused the peer, if it did. */
    default GridAuthException failure() {
        return state().failure;
    }

    /** MICv2 key and fixed IV, exported when the handshake completed (Bouncy Castle allows it only then). */
    default MicMaterial micMaterial() {
        return state().mic;
    }

    /** The peer's chain, a refusal and the MIC material: the same bookkeeping for client and server. */
    final class PeerState {
        private List<X509Certificate> chain = List.of();
        private GridAuthException failure;
        private MicMaterial mic;

        void accepted(List<X509Certificate> peerChain) {
            chain = List.copyOf(peerChain);
        }

        TlsFatalAlert refuse(GridAuthException reason, short alert) {
            failure = reason;
            return new TlsFatalAlert(alert);
        }

        void handshakeComplete(TlsContext context) {
            mic = MicMaterial.export(context);
        }
    }

    /**
     * MICv2 key material (Globus globus_i_gsi_gss_utils.c): the TLS exporter (RFC 5705 / RFC 8446) with label
     * EXPERIMENTAL-GSI-MAC-KEY, no context, the cipher's key length; and EXPERIMENTAL-GSI-MAC-IV-FIXED, the
     * cipher's IV length (12 for AES-GCM).
     */
    record MicMaterial(byte[] key, byte[] fixedIv) {
        static MicMaterial export(TlsContext context) {
            int keyLength = keyLength(context.getSecurityParametersConnection().getCipherSuite());
            return new MicMaterial(context.exportKeyingMaterial("EXPERIMENTAL-GSI-MAC-KEY", null, keyLength),
                    context.exportKeyingMaterial("EXPERIMENTAL-GSI-MAC-IV-FIXED", null, 12));
        }
    }

    /** Throws the remembered refusal, if any, once the handshake is over. */
    default void checkOutcome() {
        if (failure() != null) {
            throw failure();
        }
    }

    static int keyLength(int cipherSuite) {
        return switch (cipherSuite) {
            case CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -> 32;
            case CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 -> 16;
            default -> throw new GridAuthException(GsiError.GSS_CONTEXT_STATE, "cipher suite " + cipherSuite + " has no MICv2 definition");
        };
    }

    static ProtocolVersion[] versions(List<String> names) {
        return names.stream().map(n -> n.equals("TLSv1.3") ? ProtocolVersion.TLSv13 : ProtocolVersion.TLSv12).toArray(ProtocolVersion[]::new);
    }

    static List<X509Certificate> toX509(Certificate certificate) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        if (certificate == null) {
            return chain;
        }
        try {
            for (TlsCertificate c : certificate.getCertificateList()) {
                chain.add(Pem.certificateFromPeer(c.getEncoded()));
            }
        } catch (CertificateException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, e);
        }
        return chain;
    }

    /** Our chain as a TLS Certificate message body, in the form the negotiated version needs. */
    static Certificate tlsChain(JcaTlsCrypto crypto, Credential credential, TlsContext context, byte[] requestContext) {
        List<X509Certificate> chain = credential.chain();
        if (TlsUtils.isTLSv13(context)) {
            CertificateEntry[] entries = chain.stream()
                    .map(c -> new CertificateEntry(new JcaTlsCertificate(crypto, c), null)).toArray(CertificateEntry[]::new);
            return new Certificate(requestContext, entries);
        }
        return new Certificate(chain.stream().map(c -> (TlsCertificate) new JcaTlsCertificate(crypto, c)).toArray(TlsCertificate[]::new));
    }

    /** RSA-PSS in TLS 1.3 (PKCS#1 v1.5 is not allowed there), RSA PKCS#1 with SHA-256 in TLS 1.2. */
    static TlsCredentialedSigner signer(JcaTlsCrypto crypto, Credential credential, TlsContext context, byte[] requestContext) {
        SignatureAndHashAlgorithm algorithm = TlsUtils.isTLSv13(context)
                ? SignatureAndHashAlgorithm.rsa_pss_rsae_sha256
                : SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa);
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, credential.privateKey(),
                tlsChain(crypto, credential, context, requestContext), algorithm);
    }

    /** The initiator. */
    final class Client extends DefaultTlsClient implements GsiTlsPeer {
        private final JcaTlsCrypto crypto;
        private final GsiOptions options;
        private final PeerState state = new PeerState();

        Client(JcaTlsCrypto crypto, GsiOptions options) {
            super(crypto);
            this.crypto = crypto;
            this.options = options;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return versions(options.protocols());
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return SUITES.clone();
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    List<X509Certificate> chain = toX509(serverCertificate.getCertificate());
                    try {
                        options.validator().validateOrThrow(chain);
                        ProxyInfo info = ProxyInfo.of(chain);
                        TargetName target = options.target();
                        X509Certificate endEntity = chain.stream().filter(c -> c.getBasicConstraints() < 0
                                && ProxyInfo.of(List.of(c)).proxy() == false).findFirst().orElse(chain.get(0));
                        if (target != null && !target.matches(endEntity, info.identity())) {
                            throw new GridAuthException(GsiError.GSS_TARGET_MISMATCH, info.identity().toOpenSsl(), target);
                        }
                    } catch (GridAuthException e) {
                        throw state.refuse(e.code() == GsiError.GSS_TARGET_MISMATCH ? e
                                : new GridAuthException(GsiError.GSS_PEER_REJECTED, e, chain.isEmpty() ? "(none)" : chain.get(0).getSubjectX500Principal().getName(), e.getMessage()),
                                AlertDescription.bad_certificate);
                    }
                    state.accepted(chain);
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) {
                    if (options.credential() == null) {
                        return null;
                    }
                    return signer(crypto, options.credential(), context, request.getCertificateRequestContext());
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            state.handshakeComplete(context);
        }

        @Override
        public TlsContext context() {
            return context;
        }

        @Override
        public PeerState state() {
            return state;
        }
    }

    /** The acceptor. */
    final class Server extends DefaultTlsServer implements GsiTlsPeer {
        private final JcaTlsCrypto crypto;
        private final GsiOptions options;
        private final PeerState state = new PeerState();

        Server(JcaTlsCrypto crypto, GsiOptions options) {
            super(crypto);
            this.crypto = crypto;
            this.options = options;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return versions(options.protocols());
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return SUITES.clone();
        }

        @Override
        public TlsCredentials getCredentials() {
            return signer(crypto, options.credential(), context, TlsUtils.EMPTY_BYTES);
        }

        @Override
        public CertificateRequest getCertificateRequest() throws IOException {
            @SuppressWarnings("unchecked")
            Vector<SignatureAndHashAlgorithm> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
            if (TlsUtils.isTLSv13(context)) {
                return new CertificateRequest(TlsUtils.EMPTY_BYTES, algorithms, null, null);
            }
            return new CertificateRequest(new short[] {ClientCertificateType.rsa_sign}, algorithms, null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            List<X509Certificate> chain = toX509(clientCertificate);
            if (chain.isEmpty()) {
                if (!options.anonymousPeer()) {
                    throw state.refuse(new GridAuthException(GsiError.GSS_PEER_REJECTED, "(anonymous)", "this acceptor requires a certificate"),
                            TlsUtils.isTLSv13(context) ? AlertDescription.certificate_required : AlertDescription.handshake_failure);
                }
                return;
            }
            try {
                options.validator().validateOrThrow(chain);
            } catch (GridAuthException e) {
                throw state.refuse(new GridAuthException(GsiError.GSS_PEER_REJECTED, e, chain.get(0).getSubjectX500Principal().getName(), e.getMessage()),
                        AlertDescription.bad_certificate);
            }
            boolean proxy = ProxyInfo.of(chain).proxy();
            if (proxy && options.peerKinds() == PeerCertificates.END_ENTITY_ONLY
                    || !proxy && options.peerKinds() == PeerCertificates.PROXIES_ONLY) {
                throw state.refuse(new GridAuthException(GsiError.GSS_PEER_REJECTED, chain.get(0).getSubjectX500Principal().getName(),
                        proxy ? "this acceptor takes end-entity certificates only, not proxies" : "this acceptor takes proxies only, not the long-lived certificate"),
                        AlertDescription.certificate_unknown);
            }
            state.accepted(chain);
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            state.handshakeComplete(context);
        }

        @Override
        public TlsContext context() {
            return context;
        }

        @Override
        public PeerState state() {
            return state;
        }
    }
}
