package org.gridauth.gsi.dn;

import java.text.Normalizer;
import java.util.Locale;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/**
 * One attribute type and value of a distinguished name.
 *
 * @param type  attribute OID
 * @param value the value as text (already unescaped)
 */
public record Ava(ASN1ObjectIdentifier type, String value) {

    /** The value as compared: NFKC, trimmed, inner white space collapsed, case folded (RFC 4518 in spirit). */
    String canonicalValue() {
        return Normalizer.normalize(value, Normalizer.Form.NFKC).trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    String label() {
        return DnAttribute.label(type);
    }
}
