package org.gridauth.gsi.trust;

import org.gridauth.gsi.error.GsiError;

/**
 * One reason a chain was refused.
 *
 * @param reason   what kind of problem
 * @param position index in the chain (0 = the presented certificate), -1 when not tied to one certificate
 * @param subject  subject of the certificate concerned, slash form
 * @param detail   the validator's own words
 */
public record ValidationProblem(Reason reason, int position, String subject, String detail) {

    /** In order of importance: the first problem found is the one reported to a user. */
    public enum Reason {
        REVOKED(GsiError.CHAIN_REVOKED),
        EXPIRED(GsiError.CHAIN_EXPIRED),
        NOT_YET_VALID(GsiError.CHAIN_NOT_YET_VALID),
        BAD_SIGNATURE(GsiError.CHAIN_BAD_SIGNATURE),
        UNKNOWN_ISSUER(GsiError.CHAIN_UNKNOWN_ISSUER),
        PROXY_PATH_LENGTH(GsiError.CHAIN_PROXY_PATH_LENGTH),
        NAMESPACE(GsiError.CHAIN_NAMESPACE),
        PROXY_RULES(GsiError.CHAIN_PROXY_RULES),
        CRL(GsiError.CHAIN_CRL),
        OTHER(GsiError.CHAIN_INVALID);

        private final GsiError error;

        Reason(GsiError error) {
            this.error = error;
        }

        public GsiError error() {
            return error;
        }
    }
}
