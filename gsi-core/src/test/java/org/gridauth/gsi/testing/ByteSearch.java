package org.gridauth.gsi.testing;

/** Finds bytes inside bytes: tests that look for a secret or a marker in what was written, stored or sent. */
public final class ByteSearch {

    private ByteSearch() {
    }

    /** Where {@code part} first starts in {@code data}, or -1 if it does not occur. */
    public static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int k = 0; k < part.length; k++) {
                if (data[i + k] != part[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
