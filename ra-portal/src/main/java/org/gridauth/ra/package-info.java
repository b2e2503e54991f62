/**
 * RA portal: SAML sign-on, license IDs, client certificates and proxies in the browser, admin console for CA operators (R-RA-1..11).
 *
 * <p>Placeholder until issue #7 lands; see this module's README.
 */
package org.gridauth.ra;
