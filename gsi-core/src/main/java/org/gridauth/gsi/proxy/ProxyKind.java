package org.gridauth.gsi.proxy;

/**
 * RFC 3820 proxy policies as grids use them: impersonation (inherit all rights, policy id-ppl-inheritAll),
 * independent (no rights of the issuer, id-ppl-independent) and Globus' limited proxy (1.3.6.1.4.1.3536.1.1.1.9),
 * which services such as GRAM refuse for job submission but accept for data access.
 */
public enum ProxyKind {
    IMPERSONATION, INDEPENDENT, LIMITED
}
