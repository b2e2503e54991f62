package org.gridauth.gsi.gss;

/** What an initiator delegates after the handshake ('D' or '0' on the wire). */
public enum DelegationMode {
    /** No delegation ('0'). */
    NONE,
    /** A full (impersonation) proxy ('D'). */
    FULL,
    /** A limited proxy ('D', GSS_C_GLOBUS_LIMITED_DELEG_PROXY_FLAG). */
    LIMITED
}
