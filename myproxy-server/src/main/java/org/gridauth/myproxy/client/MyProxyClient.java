package org.gridauth.myproxy.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import org.gridauth.gsi.credential.Credential;
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
 * A MyProxy v2 client for GET (what myproxy-logon does), for gridauth's own tools: it checks the server's host
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

    public MyProxyClient(ChainValidator validator, Duration timeout) {
        this.validator = validator;
        this.timeout = timeout;
    }

    public Credential get(String host, int port, String username, char[] passphrase, Duration lifetime) throws IOException, Refused {
        SSLContext tls = anonymousTls(host);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(host, port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            socket.startHandshake();
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            MessageIo.write(out, new byte[] {'0'});
            MessageIo.write(out, new MyProxyRequest(MyProxyRequest.VERSION, MyProxyCommand.GET, username, new String(passphrase), "",
                    lifetime.toSeconds(), "", "", null, null, null, null, false).encode());
            check(reply(in));
            DelegationRequest request = DelegationRequest.generate(2048, random);
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

    private SSLContext anonymousTls(String host) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new HostTrustManager(validator, TargetName.hostBased("host@" + host))}, random);
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
