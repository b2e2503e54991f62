/**
 * SAML 2.0 identity provider on LDAP with HPCI attribute release, federation metadata and a discovery service (R-IDP-1..5, R-DS-1).
 *
 * <p>Placeholder until issue #5 lands; see this module's README.
 */
package org.gridauth.idp;
