package org.gridauth.gsi.credential;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

/**
 * Writes a file so that readers see either the old content or the complete new one, never a half-written file:
 * a private temporary file in the same directory (mode 600 from birth, so a key is never world-readable even for
 * an instant), fsync, final mode, then an atomic rename.
 */
public final class AtomicFiles {

    public static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> OWNER_READ = PosixFilePermissions.fromString("r--------");
    public static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content, Set<PosixFilePermission> mode) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = posix
                    ? Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE))
                    : Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (posix) {
                Files.setPosixFilePermissions(temp, mode);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new GridAuthException(GsiError.FILE_WRITE_FAILED, e, absolute, e.getClass().getSimpleName() + " " + e.getMessage());
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the original failure is what the caller needs to see
                }
            }
        }
    }

    /** Makes the rename itself durable; not every file system allows opening a directory, which is harmless. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
