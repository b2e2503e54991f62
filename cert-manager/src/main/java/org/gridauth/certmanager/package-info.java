/**
 * Certificate manager (R-CM-1..5): the UMS-style credential store, the CA's issuance client, the proxy maker with
 * VOMS-style attributes, the MyProxy client side, the mapping database, the HPCI office registries and the feed for
 * resource sites. Packages: {@code protocol} (JSON bodies), {@code policy} (decisions), {@code store} (JDBC),
 * {@code client} (CA and MyProxy peers), {@code service} (glue), {@code registry} and {@code feed}, {@code server}.
 */
package org.gridauth.certmanager;
