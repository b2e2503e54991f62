package org.gridauth.gsi.dn;

import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/**
 * Reads the OpenSSL/Globus slash form. The form is ambiguous: a value may itself contain '/' (as in
 * {@code /CN=host/login.example.jp}). Like Globus and canl, a '/' or '+' starts a new attribute only when
 * what follows up to the next '=' has the shape of an attribute type (a known one, or it is reported unknown). {@code \xHH} escapes are UTF-8 bytes, as OpenSSL
 * prints non-ASCII values; any other backslash takes the next character literally.
 */
final class SlashFormParser {

    private static final java.util.regex.Pattern ATTRIBUTE_SHAPE =
            java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9-]*|(?i:OID\\.)?\\d+(\\.\\d+)+");

    private final String text;
    private int pos;

    private SlashFormParser(String text) {
        this.text = text;
    }

    static List<List<Ava>> parse(String text) {
        DnText.checkCharacters(text);
        if (text.charAt(0) != '/') {
            throw DnText.syntax(text, "the slash form must start with '/'");
        }
        return new SlashFormParser(text).rdns();
    }

    private List<List<Ava>> rdns() {
        List<List<Ava>> rdns = new ArrayList<>();
        List<Ava> current = new ArrayList<>();
        pos = 1;
        while (true) {
            current.add(ava());
            if (pos >= text.length()) {
                rdns.add(current);
                return rdns;
            }
            char separator = text.charAt(pos++);
            if (separator == '/') {
                rdns.add(current);
                current = new ArrayList<>();
            }
        }
    }

    private Ava ava() {
        int eq = text.indexOf('=', pos);
        if (eq < 0) {
            throw DnText.syntax(text, "\"" + text.substring(pos) + "\" has no '=' between attribute type and value");
        }
        ASN1ObjectIdentifier type = DnText.type(text, text.substring(pos, eq));
        pos = eq + 1;
        StringBuilder value = new StringBuilder();
        GridDn.ByteRun bytes = new GridDn.ByteRun(value);
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if ((c == '/' || c == '+') && startsAttribute(pos + 1)) {
                break;
            }
            if (c == '\\') {
                pos = escape(bytes, value);
                continue;
            }
            if (!bytes.flush()) {
                throw DnText.syntax(text, "the \\x escapes before position " + (pos + 1) + " are not valid UTF-8");
            }
            value.append(c);
            pos++;
        }
        if (!bytes.flush()) {
            throw DnText.syntax(text, "the \\x escapes at the end are not valid UTF-8");
        }
        if (value.length() == 0) {
            throw DnText.syntax(text, "attribute " + DnAttribute.label(type) + " has an empty value");
        }
        return new Ava(type, value.toString());
    }

    private int escape(GridDn.ByteRun bytes, StringBuilder value) {
        if (pos + 1 >= text.length()) {
            throw DnText.syntax(text, "a backslash ends the name");
        }
        char next = text.charAt(pos + 1);
        if ((next == 'x' || next == 'X') && pos + 3 < text.length()
                && DnText.hex(text.charAt(pos + 2)) >= 0 && DnText.hex(text.charAt(pos + 3)) >= 0) {
            bytes.add(DnText.hex(text.charAt(pos + 2)) * 16 + DnText.hex(text.charAt(pos + 3)));
            return pos + 4;
        }
        if (!bytes.flush()) {
            throw DnText.syntax(text, "the \\x escapes before position " + (pos + 1) + " are not valid UTF-8");
        }
        value.append(next);
        return pos + 2;
    }

    private boolean startsAttribute(int from) {
        int eq = text.indexOf('=', from);
        if (eq < 0) {
            return false;
        }
        String candidate = text.substring(from, eq);
        // Anything shaped like an attribute type starts one, so that a misspelt type is reported rather than
        // silently swallowed into the previous value.
        return ATTRIBUTE_SHAPE.matcher(candidate).matches();
    }
}
