package org.gridauth.gsissh.auth;

import org.apache.sshd.server.auth.AbstractUserAuthFactory;
import org.apache.sshd.server.auth.UserAuth;
import org.apache.sshd.server.session.ServerSession;

/** Makes one {@link GsiUserAuth} per authentication attempt. */
public final class GsiUserAuthFactory extends AbstractUserAuthFactory {

    private final GsiAuthenticator authenticator;

    public GsiUserAuthFactory(GsiAuthenticator authenticator) {
        super(GsiUserAuth.NAME);
        this.authenticator = authenticator;
    }

    @Override
    public UserAuth createUserAuth(ServerSession session) {
        return new GsiUserAuth(authenticator);
    }
}
