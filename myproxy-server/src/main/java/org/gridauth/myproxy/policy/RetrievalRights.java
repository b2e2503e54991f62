package org.gridauth.myproxy.policy;

import org.gridauth.gsi.dn.GridDn;

/**
 * What a client may do with one stored credential (the reference server's myproxy_authorize_accept for GET and
 * RETRIEVE), decided from the policies alone; proving the passphrase or possession of a proxy comes after.
 *
 * @param trusted   a trusted retriever: needs no further authentication unless the credential has a passphrase
 * @param retriever may retrieve by passphrase
 * @param renewer   may retrieve by proving possession of a proxy of the credential's identity
 */
public record RetrievalRights(boolean trusted, boolean retriever, boolean renewer) {

    /**
     * @param identity           the client's TLS identity in slash form, empty when anonymous
     * @param credentialIdentity the identity (base DN) of the stored credential
     */
    public static RetrievalRights of(AccessPolicy policy, CredentialPolicies credential, String identity, GridDn credentialIdentity) {
        boolean self = !identity.isEmpty() && GridDn.parse(identity).equals(credentialIdentity);
        boolean selfAllowed = policy.allowSelfAuthorization() || !self;
        boolean trusted = !identity.isEmpty() && selfAllowed
                && policy.trustedRetrievers().permits(credential.trustedRetrievers(), identity);
        boolean retriever = policy.retrievers().permits(credential.retrievers(), identity);
        boolean renewer = policy.renewers().permits(credential.renewers(), identity);
        return new RetrievalRights(trusted, retriever, renewer);
    }

    /** Whether renewal by this client is refused only because it has the credential's own identity. */
    public static boolean selfAuthorization(AccessPolicy policy, String identity, GridDn credentialIdentity) {
        return !policy.allowSelfAuthorization() && !identity.isEmpty() && GridDn.parse(identity).equals(credentialIdentity);
    }

    /** The per-credential policies a client set when storing (RETRIEVER, RENEWER, RETRIEVER_TRUSTED), each possibly null. */
    public record CredentialPolicies(String retrievers, String renewers, String trustedRetrievers) {
    }
}
