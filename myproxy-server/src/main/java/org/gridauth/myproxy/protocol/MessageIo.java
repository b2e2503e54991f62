package org.gridauth.myproxy.protocol;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.gridauth.gsi.credential.Pem;

/**
 * Reads and writes the framing of MyProxy messages over the TLS stream: NUL-terminated text messages, single DER
 * objects (a PKCS#10 request) and certificate chain messages (a count byte, then DER certificates). Every read is
 * bounded, so a peer cannot make the server buffer without limit.
 */
public final class MessageIo {

    private MessageIo() {
    }

    /** A text message up to (not including) its NUL byte. */
    public static byte[] readMessage(InputStream in, int limit) throws IOException, ProtocolException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (message.size() == 0) {
                    throw new EOFException("the peer closed the connection");
                }
                throw new ProtocolException("the message ended without its NUL terminator");
            }
            if (b == 0) {
                return message.toByteArray();
            }
            if (message.size() >= limit) {
                throw new ProtocolException("the message is larger than the limit of " + limit + " bytes");
            }
            message.write(b);
        }
    }

    /** One DER TLV (SEQUENCE), e.g. a PKCS#10 request or a certificate. */
    public static byte[] readDer(InputStream in, int limit) throws IOException, ProtocolException {
        int tag = in.read();
        if (tag < 0) {
            throw new EOFException("the peer closed the connection");
        }
        if (tag != 0x30) {
            throw new ProtocolException("expected a DER SEQUENCE, got a byte of value " + tag);
        }
        int first = readByte(in);
        long length;
        int headerLength;
        if (first < 0x80) {
            length = first;
            headerLength = 2;
        } else {
            int count = first & 0x7f;
            if (count == 0 || count > 4) {
                throw new ProtocolException("the DER length uses " + count + " bytes; at most 4 are accepted");
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | readByte(in);
            }
            headerLength = 2 + count;
        }
        if (length + headerLength > limit) {
            throw new ProtocolException("the DER object of " + (length + headerLength) + " bytes is larger than the limit of " + limit);
        }
        byte[] out = new byte[(int) (length + headerLength)];
        out[0] = 0x30;
        out[1] = (byte) first;
        if (headerLength > 2) {
            long l = length;
            for (int i = headerLength - 1; i >= 2; i--) {
                out[i] = (byte) (l & 0xff);
                l >>= 8;
            }
        }
        int offset = headerLength;
        while (offset < out.length) {
            int n = in.read(out, offset, out.length - offset);
            if (n < 0) {
                throw new ProtocolException("the DER object was cut short");
            }
            offset += n;
        }
        return out;
    }

    /**
     * A PKCS#10 certificate request (the GET client's, the PUT server's). Bouncy Castle throws unchecked exceptions
     * for some DER it cannot read (an empty SEQUENCE gave ArrayIndexOutOfBoundsException, found by
     * MyProxyProtocolFuzzTest), so every failure becomes a ProtocolException here.
     */
    public static PKCS10CertificationRequest readRequest(InputStream in, int limit) throws IOException, ProtocolException {
        byte[] der = readDer(in, limit);
        try {
            return new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            throw new ProtocolException("the certificate request is not valid DER");
        }
    }

    /** A chain message: one count byte, then that many DER certificates. */
    public static List<X509Certificate> readChain(InputStream in, int limit) throws IOException, ProtocolException {
        int count = readByte(in);
        if (count == 0) {
            throw new ProtocolException("the certificate chain message holds no certificate");
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] der = readDer(in, limit);
            try {
                chain.add(Pem.certificateFromPeer(der));
            } catch (CertificateException e) {
                throw new ProtocolException("certificate " + (i + 1) + " of the chain is not a valid X.509 certificate");
            }
        }
        return chain;
    }

    /** Encodes a chain message. */
    public static byte[] chain(List<X509Certificate> chain) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(chain.size());
            for (X509Certificate certificate : chain) {
                out.write(certificate.getEncoded());
            }
            return out.toByteArray();
        } catch (IOException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("encoding a certificate chain failed", e);
        }
    }

    /** Writes one message in one call, so that it travels as one TLS record (one GSS token). */
    public static void write(OutputStream out, byte[] message) throws IOException {
        out.write(message);
        out.flush();
    }

    private static int readByte(InputStream in) throws IOException, ProtocolException {
        int b = in.read();
        if (b < 0) {
            throw new ProtocolException("the message was cut short");
        }
        return b;
    }
}
