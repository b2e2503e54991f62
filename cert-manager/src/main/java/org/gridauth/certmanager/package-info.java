/**
 * Certificate manager: UMS-style encrypted credential store, proxy maker, mapping database, HPCI office registries and the mapping feed for resource sites (R-CM-1..5).
 *
 * <p>Placeholder until issue #6 lands; see this module's README.
 */
package org.gridauth.certmanager;
