package org.gridauth.idp.protocol;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An IdP as the discovery service knows it from federation metadata.
 *
 * @param entityId         its entityID
 * @param displayNames     mdui:DisplayName (or OrganizationDisplayName) by language tag ("ja", "en")
 * @param entityAttributes mdattr:EntityAttributes, attribute Name to values
 */
public record IdpEntry(String entityId, Map<String, String> displayNames, Map<String, List<String>> entityAttributes) {

    public IdpEntry {
        displayNames = Map.copyOf(displayNames);
        entityAttributes = Map.copyOf(entityAttributes);
    }

    /** The name in the language, else English, else any, else the entityID. */
    public String displayName(Locale locale) {
        String name = displayNames.get(locale.getLanguage());
        if (name == null) {
            name = displayNames.get("en");
        }
        if (name == null && !displayNames.isEmpty()) {
            name = displayNames.values().iterator().next();
        }
        return name == null ? entityId : name;
    }
}
