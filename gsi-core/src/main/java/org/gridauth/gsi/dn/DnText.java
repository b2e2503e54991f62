package org.gridauth.gsi.dn;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

/** Checks shared by both DN parsers. */
final class DnText {

    private DnText() {
    }

    /** Rejects empty input and control characters (a newline in a DN would inject a grid-mapfile line). */
    static void checkCharacters(String text) {
        if (text == null || text.isBlank()) {
            throw new GridAuthException(GsiError.DN_SYNTAX, text == null ? "" : text, "the name is empty");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw new GridAuthException(GsiError.DN_CONTROL_CHARACTER, GridDn.printable(text), i + 1);
            }
        }
    }

    static ASN1ObjectIdentifier type(String text, String type) {
        if (type.isBlank()) {
            throw syntax(text, "an attribute type is missing before '='");
        }
        return DnAttribute.resolve(type).orElseThrow(
                () -> new GridAuthException(GsiError.DN_UNKNOWN_ATTRIBUTE, GridDn.printable(text), type.trim()));
    }

    static GridAuthException syntax(String text, String reason) {
        return new GridAuthException(GsiError.DN_SYNTAX, GridDn.printable(text), reason);
    }

    static int hex(char c) {
        return Character.digit(c, 16);
    }
}
