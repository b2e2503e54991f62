package org.gridauth.myproxy.store;

/** What was stored: a proxy delegated by PUT (myproxy-init) or an end-entity credential sent by STORE (myproxy-store). */
public enum CredentialKind {
    PROXY, END_ENTITY
}
