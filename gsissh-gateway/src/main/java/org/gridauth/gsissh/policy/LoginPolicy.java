package org.gridauth.gsissh.policy;

import java.util.Optional;

import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.gridmap.GridMapFile;
import org.gridauth.gsissh.GsisshError;

/**
 * Who may log in as whom (R-RS-1): the authenticated identity must have a grid-mapfile entry naming the requested
 * account. Limited proxies are accepted for login, as GSI-OpenSSH does; what they may do later is up to the tools
 * that see them (the delegated proxy stays limited).
 */
public final class LoginPolicy {

    private LoginPolicy() {
    }

    /** Empty when allowed, otherwise why not. */
    public static Optional<GridAuthException> check(GridMapFile map, GridDn identity, String account) {
        if (!map.permits(identity, account)) {
            return Optional.of(new GridAuthException(GsisshError.NOT_MAPPED, identity.toOpenSsl(), account));
        }
        return Optional.empty();
    }
}
