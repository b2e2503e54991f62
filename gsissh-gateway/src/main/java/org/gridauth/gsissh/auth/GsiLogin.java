package org.gridauth.gsissh.auth;

import java.util.Optional;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.dn.GridDn;

/**
 * What a successful GSI login established, kept on the SSH session for the commands it runs.
 *
 * @param identity  the certificate identity (end-entity DN behind the proxies)
 * @param account   the local account the grid-mapfile allowed
 * @param delegated the proxy the client delegated, if it did
 * @param limited   whether the client authenticated with a limited proxy
 */
public record GsiLogin(GridDn identity, String account, Optional<Credential> delegated, boolean limited) {
}
