package org.gridauth.myproxy.policy;

import java.util.List;

/**
 * Who may do what, with the reference server's keywords (myproxy-server.config(5)).
 *
 * @param acceptedCredentials     who may store (PUT, STORE) and so own credentials; empty means nobody
 * @param retrievers              authorized_retrievers / default_retrievers: GET with a passphrase
 * @param renewers                authorized_renewers / default_renewers: GET by proving possession of a proxy of
 *                                the same identity (myproxy-logon -a)
 * @param keyRetrievers           authorized_key_retrievers / default_key_retrievers: RETRIEVE of end-entity keys
 * @param trustedRetrievers       trusted_retrievers / default_trusted_retrievers: GET without further authentication
 * @param allowSelfAuthorization  whether a renewer or trusted retriever may have the credential's own identity
 */
public record AccessPolicy(List<DnPattern> acceptedCredentials, AccessRule retrievers, AccessRule renewers,
                           AccessRule keyRetrievers, AccessRule trustedRetrievers, boolean allowSelfAuthorization) {

    public AccessPolicy {
        acceptedCredentials = List.copyOf(acceptedCredentials);
        if (trustedRetrievers.server().stream().anyMatch(p -> p.text().equals("*")) && trustedRetrievers.defaults().isEmpty()) {
            // The reference server refuses to start with this "unsafe policy": it would release every credential
            // without a passphrase to any client with a certificate.
            throw new IllegalArgumentException("trusted_retrievers \"*\" needs a restrictive default_trusted_retrievers (unsafe policy)");
        }
    }

    public boolean mayStore(String identity) {
        return !identity.isEmpty() && AccessRule.anyMatch(acceptedCredentials, identity);
    }

    /**
     * The embedded default: anyone with a valid certificate stores; anyone who knows the passphrase retrieves
     * proxies; end-entity keys go only to those a credential names (myproxy-store -E); renewal and trusted
     * retrieval are off until an administrator configures them.
     */
    public static AccessPolicy permissive() {
        List<DnPattern> anyone = List.of(new DnPattern("*"));
        return new AccessPolicy(anyone, new AccessRule("authorized_retrievers", anyone, List.of()),
                new AccessRule("authorized_renewers", List.of(), List.of()),
                new AccessRule("authorized_key_retrievers", anyone, List.of(new DnPattern("none"))),
                new AccessRule("trusted_retrievers", List.of(), List.of()), false);
    }
}
