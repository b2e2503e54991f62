package org.gridauth.certmanager.store;

/**
 * A researcher known to the certificate manager.
 *
 * @param localName the account name in the store (UMS), also the default MyProxy user name
 */
public record Account(String hpciId, String localName, String eppn, String email) {
}
