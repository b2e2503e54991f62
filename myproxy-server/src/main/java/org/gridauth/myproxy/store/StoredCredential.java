package org.gridauth.myproxy.store;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * One credential in the repository. The private key exists here only sealed by {@link KeyEncryption}.
 *
 * @param username          the MyProxy user name
 * @param name              the credential name; empty for the default credential
 * @param owner             identity (DN) of whoever stored it
 * @param kind              proxy or end-entity credential
 * @param description       free text shown by myproxy-info
 * @param retrievers        RETRIEVER policy (regex over client DNs), or null
 * @param renewers          RENEWER policy, or null
 * @param keyRetrievers     KEYRETRIEVER policy, or null
 * @param trustedRetrievers TRUSTED_RETRIEVER policy, or null
 * @param chain             the certificate chain, the credential's certificate first
 * @param encryptedKey      the private key sealed by {@link KeyEncryption}
 * @param start             notBefore of the credential
 * @param end               the earliest notAfter of the chain
 */
public record StoredCredential(String username, String name, String owner, CredentialKind kind, String description,
                               String retrievers, String renewers, String keyRetrievers, String trustedRetrievers,
                               List<X509Certificate> chain, byte[] encryptedKey, Instant start, Instant end) {

    public StoredCredential {
        chain = List.copyOf(chain);
        encryptedKey = encryptedKey.clone();
        name = name == null ? "" : name;
    }

    @Override
    public byte[] encryptedKey() {
        return encryptedKey.clone();
    }

    public StoredCredential withKey(byte[] sealed) {
        return new StoredCredential(username, name, owner, kind, description, retrievers, renewers, keyRetrievers,
                trustedRetrievers, chain, sealed, start, end);
    }

    @Override
    public String toString() {
        return "StoredCredential[" + username + (name.isEmpty() ? "" : "/" + name) + " owner=" + owner + " " + kind + " until " + end + "]";
    }
}
