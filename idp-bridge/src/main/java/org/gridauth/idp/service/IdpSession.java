package org.gridauth.idp.service;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.gridauth.idp.store.Account;

/**
 * A signed-in browser: who, when, and the session index sent to SPs (for logout).
 */
public record IdpSession(String username, String dn, Map<String, List<String>> attributes, Instant authnInstant,
                         String sessionIndex) implements Serializable {

    public IdpSession {
        attributes = Map.copyOf(attributes);
    }

    public Account account() {
        return new Account(username, dn, attributes);
    }
}
