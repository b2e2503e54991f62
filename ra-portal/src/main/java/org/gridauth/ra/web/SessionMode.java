package org.gridauth.ra.web;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Checks {@code gridauth.ra.sessions} at start-up: {@code memory} (the default, one instance) or {@code database}
 * ({@link SharedSessions}, several instances behind a balancer). Anything else stops the start, since a typo
 * would otherwise quietly mean memory and lose people's sessions at the first failover.
 */
@Component
class SessionMode {

    SessionMode(Environment environment) {
        String mode = environment.getProperty("gridauth.ra.sessions", "memory");
        if (!mode.equals("memory") && !mode.equals("database")) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, "gridauth.ra.sessions must be memory or database, not \"" + mode + "\"");
        }
    }
}
