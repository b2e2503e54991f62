package org.gridauth.gsi.dn;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;

/** Reads RFC 2253 / RFC 4514 strings; returns RDNs in string order (most specific first). */
final class Rfc2253Parser {

    private final String text;
    private int pos;
    private int significantEnd;

    private Rfc2253Parser(String text) {
        this.text = text;
    }

    static List<List<Ava>> parse(String text) {
        DnText.checkCharacters(text);
        return new Rfc2253Parser(text).rdns();
    }

    private List<List<Ava>> rdns() {
        List<List<Ava>> rdns = new ArrayList<>();
        List<Ava> current = new ArrayList<>();
        while (true) {
            current.add(ava());
            skipSpaces();
            if (pos >= text.length()) {
                rdns.add(current);
                return rdns;
            }
            char separator = text.charAt(pos++);
            if (separator == ',' || separator == ';') {
                rdns.add(current);
                current = new ArrayList<>();
            } else if (separator != '+') {
                throw DnText.syntax(text, "unexpected '" + separator + "' at position " + pos);
            }
        }
    }

    private Ava ava() {
        skipSpaces();
        int eq = text.indexOf('=', pos);
        if (eq < 0) {
            throw DnText.syntax(text, "\"" + text.substring(pos).trim() + "\" has no '=' between attribute type and value");
        }
        String typeText = text.substring(pos, eq);
        if (typeText.indexOf(',') >= 0 || typeText.indexOf('+') >= 0) {
            throw DnText.syntax(text, "\"" + typeText.trim() + "\" has no '=' between attribute type and value");
        }
        ASN1ObjectIdentifier type = DnText.type(text, typeText);
        pos = eq + 1;
        skipSpaces();
        String value;
        if (pos < text.length() && text.charAt(pos) == '#') {
            value = hexValue();
        } else if (pos < text.length() && text.charAt(pos) == '"') {
            value = quotedValue();
        } else {
            value = plainValue();
        }
        if (value.isEmpty()) {
            throw DnText.syntax(text, "attribute " + DnAttribute.label(type) + " has an empty value");
        }
        return new Ava(type, value);
    }

    private String plainValue() {
        StringBuilder value = new StringBuilder();
        GridDn.ByteRun bytes = new GridDn.ByteRun(value);
        significantEnd = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ',' || c == ';' || c == '+') {
                break;
            }
            if (c == '\\') {
                if (pos + 1 >= text.length()) {
                    throw DnText.syntax(text, "a backslash ends the name");
                }
                char next = text.charAt(pos + 1);
                if (pos + 2 < text.length() && DnText.hex(next) >= 0 && DnText.hex(text.charAt(pos + 2)) >= 0) {
                    bytes.add(DnText.hex(next) * 16 + DnText.hex(text.charAt(pos + 2)));
                    pos += 3;
                    continue;
                }
                flush(bytes, value);
                value.append(next);
                significantEnd = value.length();
                pos += 2;
                continue;
            }
            if (c == '"' || c == '=') {
                throw DnText.syntax(text, "'" + c + "' at position " + (pos + 1) + " must be escaped with a backslash");
            }
            flush(bytes, value);
            value.append(c);
            if (c != ' ') {
                significantEnd = value.length();
            }
            pos++;
        }
        flush(bytes, value);
        // Unescaped trailing spaces are not part of the value (RFC 4514 section 3).
        return value.substring(0, significantEnd);
    }

    /** Escaped bytes are always significant, even an escaped trailing space. */
    private void flush(GridDn.ByteRun bytes, StringBuilder value) {
        boolean pending = bytes.pending();
        if (!bytes.flush()) {
            throw DnText.syntax(text, "the hex escapes before position " + (pos + 1) + " are not valid UTF-8");
        }
        if (pending) {
            significantEnd = value.length();
        }
    }

    private String quotedValue() {
        StringBuilder value = new StringBuilder();
        pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return value.toString();
            }
            if (c == '\\' && pos + 1 < text.length()) {
                value.append(text.charAt(pos + 1));
                pos += 2;
            } else {
                value.append(c);
                pos++;
            }
        }
        throw DnText.syntax(text, "a quoted value is not closed");
    }

    private String hexValue() {
        int start = ++pos;
        while (pos < text.length() && DnText.hex(text.charAt(pos)) >= 0) {
            pos++;
        }
        try {
            ASN1Primitive primitive = ASN1Primitive.fromByteArray(HexFormat.of().parseHex(text.substring(start, pos)));
            if (primitive instanceof ASN1String s) {
                return s.getString();
            }
            throw DnText.syntax(text, "the #hex value at position " + start + " is not a string");
        } catch (IOException | IllegalArgumentException e) {
            throw DnText.syntax(text, "the #hex value at position " + start + " is not valid BER");
        }
    }

    private void skipSpaces() {
        while (pos < text.length() && text.charAt(pos) == ' ') {
            pos++;
        }
    }
}
