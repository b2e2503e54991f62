package org.gridauth.idp.protocol;

import java.util.Optional;

/** Where the SSO and logout steps look an SP up by entityID. */
public interface SpLookup {

    Optional<ServiceProvider> find(String entityId);
}
