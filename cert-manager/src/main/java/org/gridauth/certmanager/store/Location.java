package org.gridauth.certmanager.store;

/** Where a client credential's private key went (R-RA-3): kept here (UMS), stored in MyProxy, or downloaded. */
public enum Location {
    STORE, MYPROXY, DOWNLOAD
}
