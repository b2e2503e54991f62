package org.gridauth.ca.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The chain rule: {@code hash = SHA-256(previousHash ‖ seq ‖ time ‖ type ‖ actor ‖ subject ‖ details)}, each field
 * as UTF-8 prefixed by its 4-byte big-endian length, so that no two different records encode alike.
 */
public final class AuditHashes {

    public static final String GENESIS = "0".repeat(64);

    private AuditHashes() {
    }

    public static String hash(String previousHash, long sequence, Instant time, String type, String actor, String subject, String details) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String field : new String[] {previousHash, Long.toString(sequence), Long.toString(time.toEpochMilli()), type, actor, subject, details}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
            out.writeBytes(bytes);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    public static String hash(AuditRecord r) {
        return hash(r.previousHash(), r.sequence(), r.time(), r.type(), r.actor(), r.subject(), r.details());
    }
}
