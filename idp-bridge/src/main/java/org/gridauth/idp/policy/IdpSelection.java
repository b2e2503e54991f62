package org.gridauth.idp.policy;

import java.text.Normalizer;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.gridauth.idp.protocol.IdpEntry;

/**
 * Which IdPs the discovery service offers (R-DS-1: only HPCI account IdPs): those carrying the configured entity
 * attribute value (an entity category such as {@code http://macedir.org/entity-category}), plus any listed by
 * entityID. Search matches the display name in any language or the entityID, ignoring case and width
 * (NFKC, so full-width "ＨＰＣＩ" finds "HPCI").
 *
 * @param attributeName  entity attribute Name, or null
 * @param attributeValue the value it must have
 * @param entityIds      IdPs offered regardless of attributes
 */
public record IdpSelection(String attributeName, String attributeValue, List<String> entityIds) {

    public IdpSelection {
        entityIds = List.copyOf(entityIds);
    }

    public List<IdpEntry> select(List<IdpEntry> all, Locale locale) {
        return all.stream().filter(this::offered)
                .sorted(Comparator.comparing((IdpEntry idp) -> idp.displayName(locale)))
                .toList();
    }

    public boolean offered(IdpEntry idp) {
        if (entityIds.contains(idp.entityId())) {
            return true;
        }
        return attributeName != null && idp.entityAttributes().getOrDefault(attributeName, List.of()).contains(attributeValue);
    }

    public static List<IdpEntry> search(List<IdpEntry> idps, String query) {
        if (query == null || query.isBlank()) {
            return idps;
        }
        String q = fold(query.strip());
        return idps.stream().filter(idp -> fold(idp.entityId()).contains(q)
                || idp.displayNames().values().stream().anyMatch(name -> fold(name).contains(q))).toList();
    }

    private static String fold(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }
}
