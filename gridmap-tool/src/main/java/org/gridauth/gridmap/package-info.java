/**
 * Resource-site command-line tool: grid-mapfile generator from the certificate manager feed, CRL fetcher, trust-anchor installer (R-RS-2..4).
 *
 * <p>Placeholder until issue #8 lands; see this module's README.
 */
package org.gridauth.gridmap;
