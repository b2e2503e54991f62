package org.gridauth.idp.protocol;

import java.time.Instant;
import java.util.List;

import org.gridauth.idp.policy.ReleasedAttribute;

/**
 * Who the assertion is about and what it says.
 *
 * @param nameIdFormat  persistent or transient format URI
 * @param nameId        the NameID value for this SP
 * @param sessionIndex  the IdP session index (for logout)
 * @param authnInstant  when the user authenticated
 * @param attributes    released attributes (already filtered by the release policy)
 */
public record Subject(String nameIdFormat, String nameId, String sessionIndex, Instant authnInstant,
                      List<ReleasedAttribute> attributes) {

    public Subject {
        attributes = List.copyOf(attributes);
    }
}
