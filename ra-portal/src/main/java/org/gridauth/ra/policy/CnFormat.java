package org.gridauth.ra.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;

/**
 * The certificate CN made from attributes (R-RA-4), by an admin-set format such as {@code <givenName> <sn> <hpciId>}.
 * A missing attribute refuses the certificate naming the attribute; the result must be a PrintableString-safe CN
 * of at most 64 characters, so a name in Japanese script is refused rather than transliterated.
 */
public final class CnFormat {

    private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Za-z-]+)>");
    private static final Pattern PRINTABLE = Pattern.compile("[A-Za-z0-9 '()+,\\-./:=?]+");
    public static final String DEFAULT = "<givenName> <sn> <hpciId>";

    private final String format;
    private final List<String> attributes;

    public CnFormat(String format) {
        if (format == null || format.isBlank()) {
            throw new IllegalArgumentException("the CN format is empty");
        }
        List<String> names = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(format);
        while (m.find()) {
            String name = canonical(m.group(1));
            if (!AuthorizationRules.KNOWN_ATTRIBUTES.contains(name) || name.equals("entitlement")) {
                throw new IllegalArgumentException("the CN format names an unknown attribute <" + m.group(1) + "> (use givenName, sn, hpciId, eppn, mail)");
            }
            names.add(name);
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("the CN format has no attribute placeholder such as <hpciId>");
        }
        if (!PRINTABLE.matcher(PLACEHOLDER.matcher(format).replaceAll("x")).matches()) {
            throw new IllegalArgumentException("the CN format may only hold letters, digits, spaces and ' ( ) + , - . / : = ? outside placeholders");
        }
        this.format = format;
        this.attributes = List.copyOf(names);
    }

    /** "HPCI-ID" as the specification writes it is the attribute hpciId. */
    private static String canonical(String name) {
        return name.equalsIgnoreCase("HPCI-ID") ? "hpciId" : name;
    }

    public String format() {
        return format;
    }

    public List<String> attributes() {
        return attributes;
    }

    /** The CN for this person, or GA-RA-004 naming the first missing attribute, or GA-RA-016 for an unusable value. */
    public String render(Person person) {
        StringBuilder out = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(format);
        int last = 0;
        while (m.find()) {
            out.append(format, last, m.start());
            String name = canonical(m.group(1));
            String value = person.first(name);
            if (value == null) {
                throw new GridAuthException(RaError.ATTRIBUTE_MISSING, name, "the certificate common name");
            }
            out.append(value);
            last = m.end();
        }
        out.append(format.substring(last));
        String cn = out.toString().strip().replaceAll("\\s+", " ");
        if (!PRINTABLE.matcher(cn).matches()) {
            throw new GridAuthException(RaError.INPUT_INVALID, "CN", "the attributes give a name with characters a certificate cannot carry; the English (romaji) names are needed");
        }
        if (cn.length() > 64) {
            throw new GridAuthException(RaError.INPUT_INVALID, "CN", "the name is longer than 64 characters");
        }
        return cn;
    }
}
