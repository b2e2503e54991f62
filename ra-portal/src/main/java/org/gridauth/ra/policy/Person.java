package org.gridauth.ra.policy;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A signed-on person as the identity provider described them: the portal attributes (hpciId, eppn, givenName, sn,
 * mail, entitlement) with all their values. Missing attributes have no entry.
 */
public record Person(Map<String, List<String>> attributes) implements Serializable {

    public Person {
        TreeMap<String, List<String>> copy = new TreeMap<>();
        attributes.forEach((name, values) -> {
            List<String> kept = values == null ? List.of() : values.stream().filter(v -> v != null && !v.isBlank()).map(String::strip).toList();
            if (!kept.isEmpty()) {
                copy.put(name, kept);
            }
        });
        attributes = java.util.Collections.unmodifiableMap(copy);
    }

    public String first(String name) {
        List<String> values = attributes.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public List<String> all(String name) {
        return attributes.getOrDefault(name, List.of());
    }

    public String hpciId() {
        return first("hpciId");
    }

    public String eppn() {
        return first("eppn");
    }

    public String givenName() {
        return first("givenName");
    }

    public String sn() {
        return first("sn");
    }

    public String mail() {
        return first("mail");
    }

    /** The security domain of the ePPN (after '@'), used for notification recipients (R-RA-7). */
    public String domain() {
        String eppn = eppn();
        return eppn == null || eppn.indexOf('@') < 0 ? "" : eppn.substring(eppn.indexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
    }

    public String displayName() {
        String given = givenName();
        String sn = sn();
        if (given == null && sn == null) {
            return eppn() == null ? "?" : eppn();
        }
        return ((given == null ? "" : given) + " " + (sn == null ? "" : sn)).strip();
    }
}
