package org.gridauth.myproxy.policy;

import java.util.List;

/**
 * One of the reference server's three-part checks (myproxy_check_policy): the client must match the server-wide
 * list; then, if the credential carries a policy of its own, that policy; otherwise the server's default list, when
 * one is configured. An empty default list means "not configured" and lets everyone through that step, as the
 * reference server does when no default_* line is present.
 *
 * @param name     the configuration keyword, used in refusals ("authorized_retrievers")
 * @param server   the server-wide list; empty means nobody
 * @param defaults the default per-credential list; empty means not configured
 */
public record AccessRule(String name, List<DnPattern> server, List<DnPattern> defaults) {

    public AccessRule {
        server = List.copyOf(server);
        defaults = List.copyOf(defaults);
    }

    public boolean permits(String credentialPolicy, String identity) {
        if (!anyMatch(server, identity)) {
            return false;
        }
        if (credentialPolicy != null && !credentialPolicy.isBlank()) {
            try {
                return new DnPattern(credentialPolicy).matches(identity);
            } catch (IllegalArgumentException e) {
                return false; // a stored policy that no longer compiles admits nobody
            }
        }
        return defaults.isEmpty() || anyMatch(defaults, identity);
    }

    /** The server-wide step alone (GET_TRUSTROOTS, accepted_credentials). */
    public boolean permitsServerWide(String identity) {
        return anyMatch(server, identity);
    }

    public boolean configured() {
        return !server.isEmpty();
    }

    static boolean anyMatch(List<DnPattern> patterns, String identity) {
        for (DnPattern pattern : patterns) {
            if (pattern.matches(identity)) {
                return true;
            }
        }
        return false;
    }
}
