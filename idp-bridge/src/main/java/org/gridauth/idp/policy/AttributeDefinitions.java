package org.gridauth.idp.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The attributes the IdP knows: the id used in release policies, the LDAP attribute it comes from, and the SAML
 * Name (urn:oid, uri name format) and FriendlyName it is released under (../shared/notes/saml.md).
 */
public final class AttributeDefinitions {

    /** Directory attribute holding the account state (active, suspended, deleted). */
    public static final String ACCOUNT_STATE_LDAP = "hpciAccountState";

    /** SAML Name of the HPCI-ID: a gridauth-defined URI (the HPCI specification assigns no OID). */
    public static final String HPCI_ID_NAME = "urn:gridauth:attribute:hpciId";

    /** One attribute. */
    public record Definition(String id, String ldapAttribute, String samlName, String friendlyName, String scopeSuffix) {
    }

    public static final List<Definition> ALL = List.of(
            new Definition("sn", "sn", "urn:oid:2.5.4.4", "sn", null),
            new Definition("givenName", "givenName", "urn:oid:2.5.4.42", "givenName", null),
            new Definition("hpciId", "hpciId", HPCI_ID_NAME, "hpciId", null),
            new Definition("eduPersonPrincipalName", "eduPersonPrincipalName", "urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "eduPersonPrincipalName", null),
            new Definition("eduPersonEntitlement", "eduPersonEntitlement", "urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "eduPersonEntitlement", null),
            new Definition("mail", "mail", "urn:oid:0.9.2342.19200300.100.1.3", "mail", null),
            new Definition("o", "o", "urn:oid:2.5.4.10", "o", null),
            new Definition("ou", "ou", "urn:oid:2.5.4.11", "ou", null),
            new Definition("jao", "jao", "urn:oid:1.3.6.1.4.1.32264.1.1.4", "jaOrganizationName", null),
            new Definition("jaou", "jaou", "urn:oid:1.3.6.1.4.1.32264.1.1.5", "jaOrganizationalUnitName", null));

    private static final Map<String, Definition> BY_ID = ALL.stream().collect(Collectors.toMap(Definition::id, Function.identity()));

    private AttributeDefinitions() {
    }

    public static Optional<Definition> byId(String id) {
        return Optional.ofNullable(BY_ID.get(id));
    }

    /** LDAP attributes to read for an account. */
    public static List<String> ldapAttributes() {
        return java.util.stream.Stream.concat(ALL.stream().map(Definition::ldapAttribute), java.util.stream.Stream.of(ACCOUNT_STATE_LDAP, "uid"))
                .distinct().toList();
    }
}
