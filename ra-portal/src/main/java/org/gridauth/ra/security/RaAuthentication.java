package org.gridauth.ra.security;


import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** The session's authentication: a {@link RaUser} with one ROLE_ authority per granted role. */
public final class RaAuthentication extends AbstractAuthenticationToken {

    private static final long serialVersionUID = 1L;

    private final RaUser user;

    public RaAuthentication(RaUser user) {
        super(user.roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r.name())).toList());
        this.user = user;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public RaUser getPrincipal() {
        return user;
    }

    @Override
    public String getName() {
        return user.actor();
    }

}
