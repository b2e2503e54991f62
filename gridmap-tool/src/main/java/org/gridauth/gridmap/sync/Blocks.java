package org.gridauth.gridmap.sync;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The grid-mapfile as {@code gridmap sync} writes it: after a header of comment lines, one block per DN in the
 * byte order of the quoted DN ("key"): the entry line Globus reads, then one provenance comment per certificate
 * that put it there, naming the accounts that certificate was bound to:
 *
 * <pre>
 * "/C=JP/O=Grid/CN=Taro Yamada" taro,taro2
 * # hpci000001 taro@example.ac.jp serial 1a2b until 2027-03-31T00:00:00Z accounts taro
 * # hpci000001 taro@example.ac.jp serial 1a2c until 2027-09-30T00:00:00Z accounts taro2
 * </pre>
 *
 * Because blocks are sorted and every block starts with its entry line, an incremental run finds a DN by binary
 * search in the file and rewrites only that block; the comments carry what it needs to take one certificate's
 * accounts out of a line that several certificates share. Globus skips the comment lines.
 */
final class Blocks {

    private Blocks() {
    }

    /** A DN as it can be written, or null: slash form, at most 1024 characters, no control or line-separator characters. */
    static byte[] key(String dn) {
        if (dn == null || !dn.startsWith("/") || dn.length() > 1024) {
            return null;
        }
        boolean plain = true;
        for (int i = 0; i < dn.length() && plain; i++) {
            char c = dn.charAt(i);
            plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
        }
        if (plain) {
            // The common case (printable ASCII, nothing to escape): no per-character building.
            return ("\"" + dn + "\"").getBytes(StandardCharsets.US_ASCII);
        }
        StringBuilder quoted = new StringBuilder(dn.length() + 4).append('"');
        for (int i = 0; i < dn.length(); i++) {
            char c = dn.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                return null;
            }
            if (c == '"' || c == '\\') {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.append('"').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The provenance comment of one certificate, one line: every field cleaned so that it is one token. */
    static byte[] comment(FeedEntry entry, List<String> accounts) {
        return ("# " + token(entry.hpciId()) + " " + token(entry.eppn()) + " serial " + token(entry.serial()) + " until " + token(entry.notAfter())
                + " accounts " + String.join(",", accounts) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Feed values reach a comment line: no line breaks, control characters or spaces, at most 256 characters. */
    static String token(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        boolean plain = value.length() <= 256;
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = c > 0x20 && c < 0x7f;
        }
        if (plain) {
            return value;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), 256));
        for (int i = 0; i < value.length() && i < 256; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c) ? '?' : c);
        }
        return out.toString();
    }

    /**
     * The serial and accounts of a provenance comment (without its line end), or null if it is not one, which makes
     * the sync rebuild the file in full. A hand-edited account list with an empty name ({@code a,,b}, {@code a,}) is
     * not one: patched in, it would put an empty account on the DN's line.
     */
    static String[] serialAndAccounts(String comment) {
        String[] t = comment.split(" ");
        if (t.length != 9 || !t[0].equals("#") || !t[3].equals("serial") || !t[5].equals("until") || !t[7].equals("accounts")) {
            return null;
        }
        for (String account : t[8].split(",", -1)) {
            if (account.isEmpty()) {
                return null;
            }
        }
        return new String[] {t[4], t[8]};
    }

    /** Unsigned byte order of keys, the order of blocks in the file. */
    static int compare(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
        return Arrays.compareUnsigned(a, aFrom, aTo, b, bFrom, bTo);
    }

    /** A 64-bit hash of a line for comparing old and new files without keeping their lines (FNV-1a, then mixed). */
    static long hash(byte[] bytes, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            h = (h ^ (bytes[i] & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
