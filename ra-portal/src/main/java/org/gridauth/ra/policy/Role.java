package org.gridauth.ra.policy;

/** What a signed-on person may do; granted by attribute rules (R-RA-5), never stored per person. */
public enum Role {
    /** License IDs, client certificates, proxies (R-RA-2, R-RA-3, R-RA-8). */
    RESEARCHER,
    /** Host and service certificate requests (R-CA-10). */
    HOST_ADMIN,
    /** The admin console with every action (R-RA-11). */
    OPERATOR,
    /** The admin console read-only. */
    AUDITOR;

    public static Role parse(String text) {
        try {
            return Role.valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("role must be one of RESEARCHER, HOST_ADMIN, OPERATOR, AUDITOR, not " + text);
        }
    }
}
