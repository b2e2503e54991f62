package org.gridauth.myproxy.protocol;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The client's reply to an {@link AuthorizationChallenge}: four bytes naming the method (the reference client
 * writes a C int in host order, so only the first byte counts), then the method's data. For the certificate method
 * the data is a four-byte big-endian signature length, the signature over the challenge text (SHA-256 with the
 * proxy's key) and the proxy chain as a chain message (a count byte, then DER certificates).
 */
public sealed interface AuthorizationAnswer {

    /** A passphrase sent in answer to a password challenge. */
    record Passphrase(String passphrase) implements AuthorizationAnswer {
        @Override
        public String toString() {
            return "Passphrase[hidden]";
        }
    }

    /**
     * Proof of possession of a proxy.
     *
     * @param signature the signature over the challenge
     * @param chain     the signer's chain, its own certificate first
     */
    record Certificate(byte[] signature, List<X509Certificate> chain) implements AuthorizationAnswer {
        public Certificate {
            signature = signature.clone();
            chain = List.copyOf(chain);
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }
    }

    /** Reads one answer, bounded by {@code limit} bytes for each part. */
    static AuthorizationAnswer read(InputStream in, int limit) throws IOException, ProtocolException {
        DataInputStream data = new DataInputStream(in);
        byte[] method = new byte[4];
        data.readFully(method);
        switch (method[0]) {
            case AuthorizationChallenge.PASSWORD_METHOD -> {
                return new Passphrase(new String(MessageIo.readMessage(in, limit), StandardCharsets.UTF_8));
            }
            case AuthorizationChallenge.CERTIFICATE_METHOD -> {
                int length = data.readInt();
                if (length <= 0 || length > 2048) {
                    throw new ProtocolException("the authorization signature length " + length + " is out of range");
                }
                byte[] signature = new byte[length];
                data.readFully(signature);
                return new Certificate(signature, MessageIo.readChain(in, limit));
            }
            default -> throw new ProtocolException("unsupported authorization method " + method[0]);
        }
    }
}
