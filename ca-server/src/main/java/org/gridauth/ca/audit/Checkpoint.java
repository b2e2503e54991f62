package org.gridauth.ca.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * A signed statement "the trail had {@code sequence} records and the newest had {@code hash}".
 *
 * @param sequence  sequence number of the newest record covered
 * @param hash      that record's hash
 * @param time      when the checkpoint was signed
 * @param algorithm JCA signature algorithm, e.g. SHA256withRSA
 * @param signature the CA key's signature over {@link #payload()}
 */
public record Checkpoint(long sequence, String hash, Instant time, String algorithm, byte[] signature) {

    public Checkpoint {
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** What is signed: a fixed label, the sequence, the hash and the time, one per line. */
    public static byte[] payload(long sequence, String hash, Instant time) {
        return ("gridauth-audit-checkpoint\n" + sequence + "\n" + hash + "\n" + time.toEpochMilli() + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    public byte[] payload() {
        return payload(sequence, hash, time);
    }

    public boolean verifies(X509Certificate ca) {
        try {
            Signature check = Signature.getInstance(algorithm);
            check.initVerify(ca.getPublicKey());
            check.update(payload());
            return check.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
