package org.gridauth.idp.policy;

import java.util.List;

/** An attribute as it goes into an assertion: SAML Name (uri format), FriendlyName and values. */
public record ReleasedAttribute(String samlName, String friendlyName, List<String> values) {

    public ReleasedAttribute {
        values = List.copyOf(values);
    }
}
