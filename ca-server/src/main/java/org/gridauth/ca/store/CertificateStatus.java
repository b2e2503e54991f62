package org.gridauth.ca.store;

/** Life of a serial: reserved before signing, then valid, revoked, or abandoned when signing or recording failed. */
public enum CertificateStatus {
    PENDING, VALID, REVOKED, ABANDONED
}
