/**
 * RA portal (R-RA-1..11): SAML sign-on (embedded SP or behind a Shibboleth SP), attribute-based authorization,
 * license IDs, client certificates and proxies through the certificate manager, host/service requests through the
 * CA's RA link, the admin console and the access log. Packages: {@code web} (pages), {@code policy} (pure decisions),
 * {@code store} (the portal's own tables), {@code protocol} (certificate manager and CA clients), {@code service}
 * (the steps), {@code security} (sign-on and access rules).
 */
package org.gridauth.ra;
