package org.gridauth.certmanager.store;

/** The life of a certificate as the certificate manager knows it; expiry is read from notAfter. */
public enum CredentialStatus {
    VALID, SUPERSEDED, REVOKED
}
