package org.gridauth.gsi.trust;

/** How CRLs take part in validation. */
public enum RevocationMode {
    /** Every CA-issued certificate needs a valid CRL from its CA (fetch-crl keeps them fresh). */
    REQUIRE,
    /** Use a CRL when one is present and valid; accept when there is none. */
    IF_AVAILABLE,
    /** Do not look at CRLs. */
    IGNORE
}
