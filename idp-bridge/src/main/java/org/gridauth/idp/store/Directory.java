package org.gridauth.idp.store;

import java.util.Optional;

/**
 * The authentication and attribute directory (R-IDP-1). Implementations bind as the user to check the password
 * and read the user's attributes.
 */
public interface Directory extends AutoCloseable {

    /**
     * Binds as the user with the password.
     *
     * @return the account with its attributes, or empty when the user does not exist or the password is wrong
     *         (deliberately indistinguishable)
     * @throws org.gridauth.gsi.error.GridAuthException GA-IDP-013 when the directory cannot be reached
     */
    Optional<Account> authenticate(String username, char[] password);

    @Override
    void close();
}
