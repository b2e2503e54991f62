package org.gridauth.idp.policy;

import java.util.regex.Pattern;

/**
 * What a user name may look like before it goes anywhere near the directory: letters, digits and {@code . _ - @},
 * 1 to 64 characters. Everything else (LDAP filter metacharacters, NUL, spaces) is a failed login without a
 * directory request; the directory search escapes the value as well (defence in depth).
 */
public final class UsernameRule {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    private UsernameRule() {
    }

    public static boolean acceptable(String username) {
        return username != null && ALLOWED.matcher(username).matches();
    }
}
