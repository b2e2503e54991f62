package org.gridauth.idp.policy;

import java.util.Locale;

/**
 * Account states from the HPCI office's lifecycle (R-IDP-5), kept in the directory attribute named by
 * {@link AttributeDefinitions#ACCOUNT_STATE_LDAP}. A missing value means active; an unknown value is treated
 * as suspended, so a typo in the directory never lets someone in.
 */
public enum AccountState {
    ACTIVE, SUSPENDED, DELETED;

    public static AccountState parse(String value) {
        if (value == null || value.isBlank()) {
            return ACTIVE;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "active" -> ACTIVE;
            case "deleted" -> DELETED;
            default -> SUSPENDED;
        };
    }
}
