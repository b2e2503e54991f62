/**
 * CA engine with its key in an HSM (PKCS#11): key ceremony, issuance of client/host/service certificates, CRLs, OCSP, CA repository, RA-only issuance link on 11412/tcp, hash-chained audit trail (R-CA-1..11).
 *
 * <p>Placeholder until issue #3 lands; see this module's README.
 */
package org.gridauth.ca;
