package org.gridauth.ra.security;

import java.io.Serializable;
import java.util.List;
import java.util.Set;

import org.gridauth.ra.policy.Person;
import org.gridauth.ra.policy.Role;

/**
 * The signed-on person for the rest of the session: attributes as the IdP (or the Shibboleth SP) sent them, the
 * roles the rules granted at sign-on and why, and where they came from.
 *
 * @param idp the IdP's entityID
 * @param via {@code saml} or {@code shibboleth}
 */
public record RaUser(Person person, Set<Role> roles, List<String> reasons, String idp, String via) implements Serializable {

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** Who did it, for the access log and four-eyes checks: the ePPN, or the HPCI-ID when there is none. */
    public String actor() {
        return person.eppn() != null ? person.eppn() : String.valueOf(person.hpciId());
    }
}
