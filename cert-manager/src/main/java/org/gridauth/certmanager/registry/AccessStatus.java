package org.gridauth.certmanager.registry;

/**
 * Whether a certificate may log in at a site now, and if not why (the feed's {@code status}). Only
 * {@link #VALID} entries belong in a grid-mapfile; every other status means "remove this DN's mapping" (R-RS-4).
 */
public enum AccessStatus {
    VALID("valid"),
    /** The certificate was revoked. */
    REVOKED("revoked"),
    /** The certificate was replaced by a newer one of the same researcher (renewal). */
    SUPERSEDED("superseded"),
    /** The researcher is marked deleted in the HPCI-ID registry. */
    DELETED("deleted"),
    /** The researcher is suspended in the HPCI-ID registry. */
    SUSPENDED("suspended"),
    /** The certificate's validity ended. */
    EXPIRED("expired"),
    /** No current project admits the researcher to any of the site's resources (membership or period ended). */
    REMOVED_FROM_PROJECT("removed-from-project");

    private final String text;

    AccessStatus(String text) {
        this.text = text;
    }

    /** The spelling in the feed and in templates. */
    public String text() {
        return text;
    }
}
