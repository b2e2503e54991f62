package org.gridauth.gridmap.sync;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

/**
 * A file written as a stream and replaced atomically, with gsi-core's {@link AtomicFiles} semantics for content too
 * large to hold as one array: a private temporary file in the target's directory, written through a large buffer
 * (and by in-kernel copies of unchanged ranges of another file), forced to disk, given its final mode, renamed over
 * the target, and the directory forced. Closing without {@link #commit} removes the temporary file, so a failure
 * (a full disk) leaves the old file and no debris.
 */
final class AtomicOutput implements AutoCloseable {

    private static final int BUFFER = 1 << 20;

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
    private boolean committed;

    private AtomicOutput(Path target, Path temp, FileChannel channel) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
    }

    static AtomicOutput create(Path target) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            temp = posix
                    ? Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(AtomicFiles.OWNER_READ_WRITE))
                    : Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
            return new AtomicOutput(absolute, temp, FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
        } catch (IOException e) {
            delete(temp);
            throw failed(absolute, e);
        }
    }

    void write(byte[] bytes) {
        write(bytes, 0, bytes.length);
    }

    void write(byte[] bytes, int offset, int length) {
        try {
            while (length > 0) {
                if (!buffer.hasRemaining()) {
                    drain();
                }
                int n = Math.min(length, buffer.remaining());
                buffer.put(bytes, offset, n);
                offset += n;
                length -= n;
            }
        } catch (IOException e) {
            throw failed(target, e);
        }
    }

    /** Appends {@code [from, to)} of {@code source} without passing it through the Java heap. */
    void copy(FileChannel source, long from, long to) {
        try {
            drain();
            long position = from;
            while (position < to) {
                long n = source.transferTo(position, to - position, channel);
                if (n <= 0) {
                    throw new IOException("short copy from the old grid-mapfile at " + position);
                }
                position += n;
            }
        } catch (IOException e) {
            throw failed(target, e);
        }
    }

    private void drain() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /** Forces the content to disk and renames it over the target; {@code beforeRename} runs just before (the backup). */
    void commit(Runnable beforeRename) {
        try {
            drain();
            channel.force(true);
            channel.close();
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temp, AtomicFiles.WORLD_READABLE);
            }
            beforeRename.run();
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
            try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException ignored) {
                // not every file system lets a directory be opened; the rename is done either way
            }
        } catch (IOException e) {
            throw failed(target, e);
        }
    }

    @Override
    public void close() {
        if (!committed) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the failure that brought us here is what the caller reports
            }
            delete(temp);
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort: the caller reports the original failure
            }
        }
    }

    private static GridAuthException failed(Path target, IOException e) {
        return new GridAuthException(GsiError.FILE_WRITE_FAILED, e, target, e.getClass().getSimpleName() + " " + e.getMessage());
    }
}
