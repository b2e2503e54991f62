package org.gridauth.myproxy.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.gss.TargetName;
import org.gridauth.gsi.proxy.DelegationRequest;
import org.gridauth.gsi.proxy.ProxyInfo;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.myproxy.protocol.MessageIo;
import org.gridauth.myproxy.protocol.MyProxyCommand;
import org.gridauth.myproxy.protocol.MyProxyRequest;
import org.gridauth.myproxy.protocol.MyProxyResponse;
import org.gridauth.myproxy.protocol.ProtocolException;

/**
 * A MyProxy v2 client for GET (what myproxy-logon does), PUT (myproxy-init) and STORE (myproxy-store), for gridauth's own tools: it checks the server's host
 * certificate against the trust directory and the host name it dialled, sends the request, and returns the proxy
 * made for a key generated here. Server refusals come back as {@link Refused} with the server's own text.
 */
public final class MyProxyClient {

    /** The server answered ERROR; the message is its text (with its GA-MP code for a gridauth server). */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private final ChainValidator validator;
    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();
    private final java.util.function.Supplier<DelegationRequest> delegationRequests;

    public MyProxyClient(ChainValidator validator, Duration timeout) {
        this(validator, timeout, null);
    }

    /**
     * As above, with the source of the key each GET delegates to; null makes a new RSA-2048 key per GET, as
     * myproxy-logon does. A load driver that shares its machine with the server passes a few pre-made keys, so the
     * key generation a researcher's own machine would do does not take the server's cores.
     */
    public MyProxyClient(ChainValidator validator, Duration timeout, java.util.function.Supplier<DelegationRequest> delegationRequests) {
        this.validator = validator;
        this.timeout = timeout;
        this.delegationRequests = delegationRequests != null ? delegationRequests : () -> DelegationRequest.generate(2048, random);
    }

    public Credential get(String host, int port, String username, char[] passphrase, Duration lifetime) throws IOException, Refused {
        SSLContext tls = tls(host, null);
        try (SSLSocket socket = open(tls, host, port)) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            MessageIo.write(out, new MyProxyRequest(MyProxyRequest.VERSION, MyProxyCommand.GET, username, new String(passphrase), "",
                    lifetime.toSeconds(), "", "", null, null, null, null, false).encode());
            check(reply(in));
            DelegationRequest request = delegationRequests.get();
            MessageIo.write(out, request.request().getEncoded());
            List<X509Certificate> chain = MessageIo.readChain(in, 1 << 20);
            check(reply(in));
            Credential proxy = request.complete(chain);
            validator.validateOrThrow(proxy.chain());
            return proxy;
        } catch (ProtocolException e) {
            throw new IOException("the MyProxy server's reply is not valid: " + e.getMessage(), e);
        }
    }

    /** What the repository should keep with a credential (myproxy-init's options). */
    public record StoreOptions(String username, String credentialName, String description, Duration lifetime, String retrievers,
                               String renewers) {
        public static StoreOptions of(String username, Duration lifetime) {
            return new StoreOptions(username, "", "", lifetime, null, null);
        }
    }

    /** Signs the server's delegation request: returns the new proxy followed by its issuer's chain. */
    public interface ProxySigner {
        List<X509Certificate> sign(PKCS10CertificationRequest request);
    }

    /**
     * PUT (what myproxy-init does): authenticated as {@code owner} (an end-entity credential or a proxy of it), the
     * client delegates to a key the server makes; the server keeps the proxy under {@code passphrase}.
     */
    public void put(String host, int port, Credential owner, StoreOptions options, char[] passphrase, ProxySigner signer)
            throws IOException, Refused {
        try (SSLSocket socket = open(tls(host, owner), host, port)) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            MessageIo.write(out, request(MyProxyCommand.PUT, options, passphrase).encode());
            check(reply(in));
            PKCS10CertificationRequest csr = MessageIo.readRequest(in, 1 << 20);
            MessageIo.write(out, MessageIo.chain(signer.sign(csr)));
            check(reply(in));
        } catch (ProtocolException e) {
            throw new IOException("the MyProxy server's reply is not valid: " + e.getMessage(), e);
        }
    }

    /**
     * STORE (what myproxy-store does): authenticated as the credential's owner, the client sends the end-entity
     * certificate chain and the private key still encrypted under the user's passphrase, which becomes the
     * retrieval passphrase. The clear key never leaves this process.
     */
    public void store(String host, int port, Credential owner, StoreOptions options, String encryptedKeyPem) throws IOException, Refused {
        if (!encryptedKeyPem.contains("ENCRYPTED")) {
            throw new IllegalArgumentException("only an encrypted key may be sent to a repository");
        }
        try (SSLSocket socket = open(tls(host, owner), host, port)) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            MessageIo.write(out, request(MyProxyCommand.STORE, options, new char[0]).encode());
            check(reply(in));
            String pem = Pem.encode(owner.chain()) + encryptedKeyPem;
            MessageIo.write(out, (pem + "\0").getBytes(StandardCharsets.US_ASCII));
            check(reply(in));
        } catch (ProtocolException e) {
            throw new IOException("the MyProxy server's reply is not valid: " + e.getMessage(), e);
        }
    }

    private static MyProxyRequest request(MyProxyCommand command, StoreOptions options, char[] passphrase) {
        return new MyProxyRequest(MyProxyRequest.VERSION, command, options.username(), new String(passphrase), "",
                options.lifetime().toSeconds(), options.credentialName(), options.description(), options.retrievers(), options.renewers(),
                null, null, false);
    }

    /** Connects, completes the TLS handshake and sends the GSI "no delegation" byte every MyProxy session begins with. */
    private SSLSocket open(SSLContext tls, String host, int port) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket();
        try {
            socket.connect(new java.net.InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            socket.startHandshake();
            MessageIo.write(socket.getOutputStream(), new byte[] {'0'});
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static void check(MyProxyResponse response) throws Refused {
        if (response.code() != MyProxyResponse.OK) {
            throw new Refused(response.errorText());
        }
    }

    /** Replies may follow a stray 0x00 byte (the reference server's TLS 1.3 artefact); empty messages are skipped. */
    private static MyProxyResponse reply(InputStream in) throws IOException, ProtocolException {
        while (true) {
            byte[] message = MessageIo.readMessage(in, 1 << 20);
            if (message.length > 0) {
                return MyProxyResponse.parse(message);
            }
        }
    }

    private SSLContext tls(String host, Credential client) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(client == null ? null : org.gridauth.gsi.credential.TlsKeys.keyManagers(client),
                    new TrustManager[] {new HostTrustManager(validator, TargetName.hostBased("host@" + host))}, random);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is unavailable", e);
        }
    }

    /** Trusts a server whose chain gsi-core validates and whose certificate names the host dialled. */
    private static final class HostTrustManager extends org.gridauth.gsi.trust.GsiTrustManager {
        private final ChainValidator validator;
        private final TargetName target;

        HostTrustManager(ChainValidator validator, TargetName target) {
            this.validator = validator;
            this.target = target;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                validator.validateOrThrow(List.of(chain));
            } catch (GridAuthException e) {
                throw new CertificateException(e.getMessage(), e);
            }
            GridDn identity = ProxyInfo.of(List.of(chain)).identity();
            if (!target.matches(chain[0], identity)) {
                throw new CertificateException("the MyProxy server presented " + identity.toOpenSsl() + ", not a certificate for " + target);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client trust manager");
        }
    }
}
