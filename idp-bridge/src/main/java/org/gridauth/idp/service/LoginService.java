package org.gridauth.idp.service;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Optional;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.policy.AccountState;
import org.gridauth.idp.policy.AttributeDefinitions;
import org.gridauth.idp.policy.LoginThrottle;
import org.gridauth.idp.policy.UsernameRule;
import org.gridauth.idp.store.Account;
import org.gridauth.idp.store.Directory;

/**
 * Password sign-in: throttle check, user-name rule, bind against the directory, then the account state
 * (R-IDP-5). The state is checked only after the password, so it tells nothing to someone who does not know it.
 */
public final class LoginService {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneId.of("UTC"));

    private final Directory directory;
    private final LoginThrottle throttle;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public LoginService(Directory directory, LoginThrottle throttle, Clock clock) {
        this.directory = directory;
        this.throttle = throttle;
        this.clock = clock;
    }

    public IdpSession login(String username, char[] password, String address) {
        Optional<Instant> blocked = throttle.blockedUntil(username, address);
        if (blocked.isPresent()) {
            Audit.record("login-throttled", "user", username, "address", address);
            throw new GridAuthException(IdpError.THROTTLED, TIME.format(blocked.get()));
        }
        Optional<Account> account;
        try {
            account = UsernameRule.acceptable(username) ? directory.authenticate(username, password) : Optional.empty();
        } catch (GridAuthException e) {
            Audit.record("login-error", "code", e.code().code(), "user", username, "address", address);
            throw e;
        }
        if (account.isEmpty()) {
            throttle.recordFailure(username, address);
            Audit.record("login-failed", "code", IdpError.LOGIN_FAILED.code(), "user", username, "address", address);
            throw new GridAuthException(IdpError.LOGIN_FAILED);
        }
        AccountState state = AccountState.parse(account.get().first(AttributeDefinitions.ACCOUNT_STATE_LDAP));
        if (state != AccountState.ACTIVE) {
            IdpError error = state == AccountState.DELETED ? IdpError.ACCOUNT_DELETED : IdpError.ACCOUNT_SUSPENDED;
            Audit.record("login-refused", "code", error.code(), "user", username, "address", address, "state", state);
            throw new GridAuthException(error, username);
        }
        throttle.recordSuccess(username);
        byte[] index = new byte[16];
        random.nextBytes(index);
        Audit.record("login-ok", "user", username, "address", address);
        return new IdpSession(account.get().username(), account.get().dn(), account.get().attributes(), clock.instant(),
                "_" + HexFormat.of().formatHex(index));
    }
}
