package org.gridauth.launcher.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gridauth.gsi.credential.AtomicFiles;

/**
 * Which researcher the next license-ID request of a load run takes. A license ID stays held until it is used, and a
 * held one refuses the next (GA-RA-008), so no run may meet a researcher an earlier run left holding one, even a run
 * that was killed. The file always names a position past every researcher handed out: positions are reserved in
 * blocks, each written before its first position is used, and {@link #close} gives the unused rest of the block back.
 */
public final class LicenseCursor implements AutoCloseable {

    static final int BLOCK = 100;

    private final Path file;
    private int next;
    private int reservedUpTo;

    public LicenseCursor(Path file) throws IOException {
        this.file = file;
        this.next = Files.exists(file) ? parse(Files.readString(file, StandardCharsets.US_ASCII).strip()) : 0;
        this.reservedUpTo = next;
    }

    private int parse(String text) {
        try {
            int position = Integer.parseInt(text);
            if (position < 0) {
                throw new NumberFormatException();
            }
            return position;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " should hold the next license position (a number >= 0), not '" + text + "'");
        }
    }

    /** The next position, counted from the end of the researcher list. */
    public synchronized int next() {
        if (next == reservedUpTo) {
            reservedUpTo += BLOCK;
            write(reservedUpTo);
        }
        return next++;
    }

    @Override
    public synchronized void close() {
        write(next);
        reservedUpTo = next;
    }

    private void write(int position) {
        AtomicFiles.write(file, (position + "\n").getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_READ_WRITE);
    }
}
