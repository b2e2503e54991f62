package org.gridauth.myproxy.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Set;

import javax.crypto.spec.SecretKeySpec;

import org.gridauth.gsi.credential.AtomicFiles;

/**
 * The server's own AES-256 key for credentials stored without a passphrase. It lives in a file of its own (mode
 * 600), apart from the database, so that a database backup alone never reveals a private key; every server sharing
 * one database needs a copy of the same file.
 */
public final class SealingKey {

    private static final int LENGTH = 32;

    private final SecretKeySpec key;

    private SealingKey(byte[] bytes) {
        this.key = new SecretKeySpec(bytes, "AES");
    }

    SecretKeySpec key() {
        return key;
    }

    /** A key that lives only as long as this process: for tests and throw-away servers. */
    public static SealingKey ephemeral(SecureRandom random) {
        byte[] bytes = new byte[LENGTH];
        random.nextBytes(bytes);
        return new SealingKey(bytes);
    }

    /**
     * Reads the key file, creating it (mode 600) with a fresh random key when it does not exist yet.
     *
     * @throws IOException naming the file when it has the wrong size or can be read by others than its owner
     */
    public static SealingKey loadOrCreate(Path file, SecureRandom random) throws IOException {
        if (!Files.exists(file)) {
            byte[] bytes = new byte[LENGTH];
            random.nextBytes(bytes);
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, bytes, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            return new SealingKey(bytes);
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            throw new IOException("the sealing key " + file + " can be read by others; run: chmod 600 " + file);
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != LENGTH) {
            throw new IOException("the sealing key " + file + " holds " + bytes.length + " bytes, not " + LENGTH
                    + "; restore it from backup (a new key cannot open keys sealed with the old one)");
        }
        return new SealingKey(bytes);
    }

    @Override
    public String toString() {
        return "SealingKey[hidden]";
    }
}
