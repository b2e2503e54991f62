package org.gridauth.gsi.gridmap;

import java.util.List;

/**
 * One grid-mapfile line: a certificate subject in OpenSSL slash form and the local accounts it may use, the first
 * being the default.
 *
 * @param dn       the subject DN exactly as written (unescaped)
 * @param accounts one or more local account names
 */
public record GridMapEntry(String dn, List<String> accounts) {

    public GridMapEntry {
        accounts = List.copyOf(accounts);
        if (accounts.isEmpty()) {
            throw new IllegalArgumentException("a grid-mapfile entry needs at least one account");
        }
    }

    /** The line as Globus reads it: the DN quoted, {@code "} and {@code \} escaped with a backslash. */
    public String toLine() {
        StringBuilder line = new StringBuilder("\"");
        for (char c : dn.toCharArray()) {
            if (c == '"' || c == '\\') {
                line.append('\\');
            }
            line.append(c);
        }
        return line.append("\" ").append(String.join(",", accounts)).toString();
    }
}
