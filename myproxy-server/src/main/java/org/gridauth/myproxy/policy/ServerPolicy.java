package org.gridauth.myproxy.policy;

import java.time.Duration;
import java.util.List;

/**
 * Server-wide policy with the reference myproxy-server's semantics (myproxy-server.config(5)).
 *
 * @param acceptedCredentials  who may store credentials (PUT, STORE)
 * @param authorizedRetrievers who may retrieve proxies at all (GET)
 * @param defaultRetrievers    who may retrieve a credential that names no retrievers of its own
 * @param authorizedKeyRetrievers who may retrieve end-entity keys at all (RETRIEVE)
 * @param defaultKeyRetrievers who may retrieve a key that names no key retrievers of its own
 * @param maxProxyLifetime     cap on the lifetime of a proxy handed out by GET
 * @param maxCredLifetime      cap on the lifetime of a credential stored by PUT
 * @param minKeyBits           smallest RSA key accepted in a client's request
 * @param minPassphraseLength  shortest passphrase accepted when storing
 * @param lockoutThreshold     wrong passphrases in a row before a credential is locked
 * @param lockoutDuration      how long a locked credential refuses passphrases
 * @param requestSizeLimit     largest message accepted from a client, in bytes
 * @param requestTimeout       a connection that sends nothing for this long is closed
 */
public record ServerPolicy(List<DnPattern> acceptedCredentials, List<DnPattern> authorizedRetrievers,
                           List<DnPattern> defaultRetrievers, List<DnPattern> authorizedKeyRetrievers,
                           List<DnPattern> defaultKeyRetrievers, Duration maxProxyLifetime, Duration maxCredLifetime,
                           int minKeyBits, int minPassphraseLength, int lockoutThreshold, Duration lockoutDuration,
                           int requestSizeLimit, Duration requestTimeout) {

    public ServerPolicy {
        acceptedCredentials = List.copyOf(acceptedCredentials);
        authorizedRetrievers = List.copyOf(authorizedRetrievers);
        defaultRetrievers = List.copyOf(defaultRetrievers);
        authorizedKeyRetrievers = List.copyOf(authorizedKeyRetrievers);
        defaultKeyRetrievers = List.copyOf(defaultKeyRetrievers);
        if (minPassphraseLength < 6) {
            throw new IllegalArgumentException("min passphrase length must be at least 6 (MyProxy's own minimum)");
        }
        if (requestSizeLimit < 1024) {
            throw new IllegalArgumentException("request size limit must be at least 1024 bytes");
        }
    }

    /**
     * The embedded default: anyone with a valid certificate stores; anyone who knows the passphrase retrieves
     * proxies; end-entity keys go only to those a credential names as key retrievers (myproxy-store -E).
     */
    public static ServerPolicy permissive() {
        List<DnPattern> anyone = List.of(new DnPattern("*"));
        return new ServerPolicy(anyone, anyone, anyone, anyone, List.of(), Duration.ofHours(168), Duration.ofDays(30),
                2048, 6, 5, Duration.ofMinutes(15), 1 << 20, Duration.ofSeconds(30));
    }

    public static boolean anyMatch(List<DnPattern> patterns, String identity) {
        return patterns.stream().anyMatch(p -> p.matches(identity));
    }

    /** Per-credential policy (a comma-free single pattern as sent by myproxy-init), else the server default. */
    public static boolean allowed(String credentialPolicy, List<DnPattern> fallback, String identity) {
        if (credentialPolicy != null && !credentialPolicy.isBlank()) {
            return new DnPattern(credentialPolicy).matches(identity);
        }
        return anyMatch(fallback, identity);
    }
}
