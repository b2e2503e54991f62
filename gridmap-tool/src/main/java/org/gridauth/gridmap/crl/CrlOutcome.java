package org.gridauth.gridmap.crl;

/**
 * What happened to one CA's CRL.
 *
 * @param hash    the CA's subject hash (its file name in the trust directory)
 * @param ca      the CA's subject, OpenSSL form
 * @param updated whether a new CRL was installed
 * @param message one line for the report: what was installed, or why not
 * @param failed  whether this CA counts as a failure for the exit code
 */
public record CrlOutcome(String hash, String ca, boolean updated, String message, boolean failed) {
}
