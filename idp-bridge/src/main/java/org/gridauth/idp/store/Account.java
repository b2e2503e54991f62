package org.gridauth.idp.store;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A directory account after a successful bind: its user name, DN and the attributes read from the directory
 * (LDAP attribute name, lower case, to values).
 */
public record Account(String username, String dn, Map<String, List<String>> attributes) {

    public Account {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        attributes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        attributes = java.util.Collections.unmodifiableMap(copy);
    }

    public List<String> values(String ldapAttribute) {
        return attributes.getOrDefault(ldapAttribute, List.of());
    }

    public String first(String ldapAttribute) {
        List<String> values = values(ldapAttribute);
        return values.isEmpty() ? null : values.get(0);
    }
}
