package org.gridauth.gsi.dn;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/**
 * Attribute types that grid DNs use, with the short names OpenSSL (and hence Globus) prints. OpenSSL's names
 * differ from Bouncy Castle's {@code BCStyle} in one dangerous place: {@code SN} is the surname (2.5.4.4) in
 * OpenSSL but serialNumber in BCStyle, so gridauth keeps its own table.
 */
public enum DnAttribute {
    C("2.5.4.6", "C", Encoding.PRINTABLE),
    ST("2.5.4.8", "ST", Encoding.UTF8),
    L("2.5.4.7", "L", Encoding.UTF8),
    STREET("2.5.4.9", "street", Encoding.UTF8),
    O("2.5.4.10", "O", Encoding.UTF8),
    OU("2.5.4.11", "OU", Encoding.UTF8),
    CN("2.5.4.3", "CN", Encoding.UTF8),
    SURNAME("2.5.4.4", "SN", Encoding.UTF8),
    SERIAL_NUMBER("2.5.4.5", "serialNumber", Encoding.PRINTABLE),
    TITLE("2.5.4.12", "title", Encoding.UTF8),
    POSTAL_CODE("2.5.4.17", "postalCode", Encoding.UTF8),
    NAME("2.5.4.41", "name", Encoding.UTF8),
    GIVEN_NAME("2.5.4.42", "GN", Encoding.UTF8),
    INITIALS("2.5.4.43", "initials", Encoding.UTF8),
    GENERATION_QUALIFIER("2.5.4.44", "generationQualifier", Encoding.UTF8),
    DN_QUALIFIER("2.5.4.46", "dnQualifier", Encoding.PRINTABLE),
    PSEUDONYM("2.5.4.65", "pseudonym", Encoding.UTF8),
    DC("0.9.2342.19200300.100.1.25", "DC", Encoding.IA5),
    UID("0.9.2342.19200300.100.1.1", "UID", Encoding.UTF8),
    EMAIL("1.2.840.113549.1.9.1", "emailAddress", Encoding.IA5);

    /** How a value of this attribute is encoded when gridauth builds a name (RFC 5280 section 4.1.2.4). */
    public enum Encoding { PRINTABLE, UTF8, IA5 }

    private static final Pattern OID = Pattern.compile("\\d+(\\.\\d+)+");
    private static final Map<String, DnAttribute> BY_NAME = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private static final Map<String, DnAttribute> BY_OID = new TreeMap<>();

    static {
        for (DnAttribute a : values()) {
            BY_NAME.put(a.shortName, a);
            BY_OID.put(a.oid.getId(), a);
        }
        // Spellings seen in Globus grid-mapfiles, RFC 2253 strings and older OpenSSL releases.
        BY_NAME.put("Email", EMAIL);
        BY_NAME.put("E", EMAIL);
        BY_NAME.put("surname", SURNAME);
        BY_NAME.put("givenName", GIVEN_NAME);
        BY_NAME.put("userid", UID);
        BY_NAME.put("domainComponent", DC);
        BY_NAME.put("S", ST);
        BY_NAME.put("stateOrProvinceName", ST);
        BY_NAME.put("localityName", L);
        BY_NAME.put("organizationName", O);
        BY_NAME.put("organizationalUnitName", OU);
        BY_NAME.put("commonName", CN);
        BY_NAME.put("countryName", C);
    }

    private final ASN1ObjectIdentifier oid;
    private final String shortName;
    private final Encoding encoding;

    DnAttribute(String oid, String shortName, Encoding encoding) {
        this.oid = new ASN1ObjectIdentifier(oid);
        this.shortName = shortName;
        this.encoding = encoding;
    }

    public ASN1ObjectIdentifier oid() {
        return oid;
    }

    /** The name OpenSSL prints in its slash form. */
    public String shortName() {
        return shortName;
    }

    public Encoding encoding() {
        return encoding;
    }

    /** A known attribute by any of its spellings, case-insensitively. */
    public static Optional<DnAttribute> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name.trim()));
    }

    public static Optional<DnAttribute> byOid(ASN1ObjectIdentifier oid) {
        return Optional.ofNullable(BY_OID.get(oid.getId()));
    }

    /** The OID of a type written as a name or as a dotted OID (optionally prefixed "OID."), or empty. */
    static Optional<ASN1ObjectIdentifier> resolve(String type) {
        String t = type.trim();
        if (t.regionMatches(true, 0, "OID.", 0, 4)) {
            t = t.substring(4);
        }
        if (OID.matcher(t).matches()) {
            // Digits and dots are not enough: "1.259.1" has no valid first arcs (found by GridDnFuzzTest); an
            // invalid OID is an unknown attribute, not an IllegalArgumentException.
            return Optional.ofNullable(ASN1ObjectIdentifier.tryFromID(t));
        }
        return byName(t).map(DnAttribute::oid);
    }

    /** The label to print for an OID: the OpenSSL short name, or the dotted OID. */
    static String label(ASN1ObjectIdentifier oid) {
        return byOid(oid).map(DnAttribute::shortName).orElse(oid.getId());
    }

    static Encoding encodingOf(ASN1ObjectIdentifier oid) {
        return byOid(oid).map(DnAttribute::encoding).orElse(Encoding.UTF8);
    }

    /** Whether a string looks like an attribute type (used to split the ambiguous slash form). */
    static boolean isType(String candidate) {
        return !candidate.isEmpty() && resolve(candidate).isPresent()
                && candidate.chars().noneMatch(ch -> Character.isWhitespace(ch))
                && !candidate.toLowerCase(Locale.ROOT).equals("oid.");
    }
}
