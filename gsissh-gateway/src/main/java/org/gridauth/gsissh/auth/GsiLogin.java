package org.gridauth.gsissh.auth;

import java.util.Optional;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsissh.server.LocalAccounts;

/**
 * What a successful GSI login established, kept on the SSH session for the commands it runs.
 *
 * @param identity  the certificate identity (end-entity DN behind the proxies)
 * @param account   the local account the grid-mapfile allowed, as looked up at login
 * @param delegated the proxy the client delegated, if it did
 * @param limited   whether the client authenticated with a limited proxy
 */
public record GsiLogin(GridDn identity, LocalAccounts.Account account, Optional<Credential> delegated, boolean limited) {
}
