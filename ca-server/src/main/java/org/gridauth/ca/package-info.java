/**
 * CA engine with its key in an HSM (PKCS#11): key ceremony, issuance of client/host/service certificates, CRLs,
 * hash-chained audit trail (R-CA-1..11).
 *
 * <p>{@code token}: PKCS#11 (SunPKCS11) and software CA keys behind {@link org.gridauth.ca.token.CaKey};
 * {@code ceremony}: key generation and root certification; {@code audit}: the hash chain; {@code store}: JDBC on
 * H2 and PostgreSQL; {@code policy}: pure issuance decisions; {@code service}: the steps that tie them together.
 * Errors: {@link org.gridauth.ca.CaError} (GA-CA-nnn).
 */
package org.gridauth.ca;
