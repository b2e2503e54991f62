package org.gridauth.gsi.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.function.BiFunction;

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.util.io.TeeOutputStream;

/** Signers that behave like a faulty, failing or stalling token, for tests of what is done with their signatures. */
public final class TestSigners {

    private TestSigners() {
    }

    /**
     * {@code base}, with {@code change} applied to every signature it makes; {@code change} gets the bytes that were
     * signed and the signature, and returns the signature to hand back (or throws, as a failing token would).
     */
    public static ContentSigner changing(ContentSigner base, BiFunction<byte[], byte[], byte[]> change) {
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        return new ContentSigner() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return base.getAlgorithmIdentifier();
            }

            @Override
            public OutputStream getOutputStream() {
                return new TeeOutputStream(base.getOutputStream(), signed);
            }

            @Override
            public byte[] getSignature() {
                byte[] message = signed.toByteArray();
                signed.reset();
                return change.apply(message, base.getSignature());
            }
        };
    }

    /** What a CRT fault in an RSA token hands back: one bit of the signature flipped. */
    public static byte[] faulted(byte[] signature) {
        byte[] copy = signature.clone();
        copy[copy.length / 2] ^= 0x10;
        return copy;
    }
}
