package org.gridauth.ca.token;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;

/** Reads PINs and passphrases from files (never from the command line): the first line, without its line end. */
public final class Secrets {

    private Secrets() {
    }

    public static char[] readFirstLine(Path file, String what) {
        byte[] bytes = null;
        try {
            bytes = Files.readAllBytes(file);
            int end = 0;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            if (end == 0) {
                throw new GridAuthException(CaError.SECRET_FILE_UNREADABLE, what, file, "the first line is empty");
            }
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, 0, end));
            char[] secret = Arrays.copyOfRange(chars.array(), chars.position(), chars.limit());
            Arrays.fill(chars.array(), '\0');
            return secret;
        } catch (IOException e) {
            throw new GridAuthException(CaError.SECRET_FILE_UNREADABLE, e, what, file, e.getClass().getSimpleName());
        } finally {
            if (bytes != null) {
                Arrays.fill(bytes, (byte) 0);
            }
        }
    }
}
