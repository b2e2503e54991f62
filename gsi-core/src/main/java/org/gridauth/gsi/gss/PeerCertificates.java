package org.gridauth.gsi.gss;

/** Which kind of client chain an acceptor takes, as sites decide (some accept only proxies for single sign-on). */
public enum PeerCertificates {
    /** Proxies and end-entity certificates. */
    ANY,
    /** Only RFC 3820 proxies: a user's long-lived certificate never travels to the site. */
    PROXIES_ONLY,
    /** Only end-entity certificates (hosts and services talking to each other). */
    END_ENTITY_ONLY
}
