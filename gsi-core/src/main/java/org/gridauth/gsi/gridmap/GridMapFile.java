package org.gridauth.gsi.gridmap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.gridauth.gsi.dn.GridDn;

/**
 * A grid-mapfile (GRIDMAP, default /etc/grid-security/grid-mapfile) read the way Globus reads it: one
 * {@code "<DN>" account[,account...]} per line, backslash escapes inside the quotes, {@code #} comments; DNs
 * compare as names (so attribute-type case and equivalent spellings match), falling back to the exact text for
 * names gsi-core cannot parse.
 */
public final class GridMapFile {

    private final List<GridMapEntry> entries;
    private final Map<Object, GridMapEntry> byName = new LinkedHashMap<>();

    private GridMapFile(List<GridMapEntry> entries) {
        this.entries = List.copyOf(entries);
        for (GridMapEntry entry : this.entries) {
            byName.putIfAbsent(key(entry.dn()), entry);
        }
    }

    /** A line that is not a grid-mapfile entry; the message names the line. */
    public static final class MalformedLine extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedLine(String message) {
            super(message);
        }
    }

    public static GridMapFile read(Path file) throws IOException, MalformedLine {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    public static GridMapFile parse(String text, String source) throws MalformedLine {
        List<GridMapEntry> entries = new ArrayList<>();
        int number = 0;
        for (String raw : text.split("\n", -1)) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            entries.add(parseLine(line, source + " line " + number));
        }
        return new GridMapFile(entries);
    }

    private static GridMapEntry parseLine(String line, String where) throws MalformedLine {
        StringBuilder dn = new StringBuilder();
        int i;
        if (line.charAt(0) == '"') {
            boolean closed = false;
            for (i = 1; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\\' && i + 1 < line.length()) {
                    dn.append(line.charAt(++i));
                } else if (c == '"') {
                    closed = true;
                    i++;
                    break;
                } else {
                    dn.append(c);
                }
            }
            if (!closed) {
                throw new MalformedLine(where + ": the DN's closing quote is missing");
            }
        } else {
            for (i = 0; i < line.length() && !Character.isWhitespace(line.charAt(i)); i++) {
                dn.append(line.charAt(i));
            }
        }
        String rest = line.substring(i).strip();
        if (rest.isEmpty()) {
            throw new MalformedLine(where + ": no local account after the DN");
        }
        List<String> accounts = new ArrayList<>();
        // -1 keeps empty names: "DN ," named no account at all (split dropped the empty strings) and the entry's
        // constructor threw IllegalArgumentException (found by GridMapFileFuzzTest); now "" is refused below.
        for (String account : rest.split(",", -1)) {
            String name = account.strip();
            if (name.isEmpty() || !name.matches("[A-Za-z0-9._][A-Za-z0-9._-]*\\$?")) {
                throw new MalformedLine(where + ": \"" + name + "\" is not a valid account name");
            }
            accounts.add(name);
        }
        if (dn.isEmpty() || dn.charAt(0) != '/') {
            throw new MalformedLine(where + ": the DN must be in slash form (/C=.../CN=...)");
        }
        return new GridMapEntry(dn.toString(), accounts);
    }

    public List<GridMapEntry> entries() {
        return entries;
    }

    /** The entry for an identity (the first one, as Globus uses the first match). */
    public Optional<GridMapEntry> lookup(GridDn identity) {
        GridMapEntry entry = byName.get(identity);
        return entry != null ? Optional.of(entry) : Optional.ofNullable(byName.get(identity.toOpenSsl()));
    }

    /** Whether the identity may use the account. */
    public boolean permits(GridDn identity, String account) {
        return lookup(identity).map(e -> e.accounts().contains(account)).orElse(false);
    }

    private static Object key(String dn) {
        try {
            return GridDn.fromOpenSsl(dn);
        } catch (RuntimeException e) {
            return dn;
        }
    }
}
