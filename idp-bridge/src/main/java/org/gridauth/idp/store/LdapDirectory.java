package org.gridauth.idp.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.ldaptive.BindConnectionInitializer;
import org.ldaptive.BindOperation;
import org.ldaptive.BindResponse;
import org.ldaptive.SimpleBindRequest;
import org.ldaptive.ConnectionConfig;
import org.ldaptive.Credential;
import org.ldaptive.LdapAttribute;
import org.ldaptive.LdapEntry;
import org.ldaptive.LdapException;
import org.ldaptive.PooledConnectionFactory;
import org.ldaptive.ResultCode;
import org.ldaptive.FilterTemplate;
import org.ldaptive.SearchOperation;
import org.ldaptive.SearchRequest;
import org.ldaptive.SearchResponse;
import org.ldaptive.SearchScope;
import org.ldaptive.pool.IdlePruneStrategy;
import org.ldaptive.ssl.SslConfig;

/**
 * {@link Directory} on any LDAP server through ldaptive: the user's DN is found with a search whose filter
 * parameter ldaptive escapes (RFC 4515) and that reads the attributes in the same request, and the password is checked
 * by binding as that DN on a connection of a second pool used for binds only; or, when
 * an attribute directory is configured (R-IDP-1: authentication DB and attribute DB apart), from that second
 * directory, where the user is found with its own filter. LDAPS and StartTLS check the server's certificate against
 * the configured CA certificates (or the Java runtime's trust store) and its host name.
 */
public final class LdapDirectory implements Directory {

    private final PooledConnectionFactory searchPool;
    private final PooledConnectionFactory bindPool;
    private final SearchRequest userSearch;
    private final String userFilter;
    private final String[] attributes;
    private final PooledConnectionFactory attributePool;
    private final LdapSettings attributeSettings;

    public LdapDirectory(LdapSettings settings) {
        this(settings, null);
    }

    /** Authenticates in the directory of {@code settings}; reads attributes from {@code attributeDirectory} when it is not null. */
    public LdapDirectory(LdapSettings settings, LdapSettings attributeDirectory) {
        ConnectionConfig.Builder search = connection(settings);
        if (settings.searchBindDn() != null) {
            search.connectionInitializers(new BindConnectionInitializer(settings.searchBindDn(), new Credential(settings.searchPassword())));
        }
        this.searchPool = PooledConnectionFactory.builder().config(search.build()).min(1).max(settings.poolSize())
                .blockWaitTime(settings.timeout()).pruneStrategy(prune(settings)).name("idp-ldap-search").build();
        // The bind pool is used for nothing but binds, each of which replaces the connection's identity, so a
        // connection is not re-bound anonymously on its way back (that was one LDAP round trip more per sign-in).
        this.bindPool = PooledConnectionFactory.builder().config(connection(settings).build()).min(1).max(settings.poolSize())
                .blockWaitTime(settings.timeout()).pruneStrategy(prune(settings)).name("idp-ldap-bind").build();
        this.attributeSettings = attributeDirectory;
        this.attributePool = attributeDirectory == null ? null : pool(attributeDirectory, "idp-ldap-attributes");
        try {
            searchPool.initialize();
            bindPool.initialize();
        } catch (RuntimeException e) {
            close();
            throw new GridAuthException(IdpError.DIRECTORY_UNAVAILABLE, e, settings.url() + ": " + e.getMessage());
        }
        if (attributePool != null) {
            try {
                attributePool.initialize();
            } catch (RuntimeException e) {
                close();
                throw new GridAuthException(IdpError.DIRECTORY_UNAVAILABLE, e, attributeDirectory.url() + ": " + e.getMessage());
            }
        }
        this.userSearch = SearchRequest.builder().dn(settings.baseDn()).scope(SearchScope.SUBTREE).sizeLimit(2).build();
        this.userFilter = settings.userFilter();
        this.attributes = (attributeDirectory != null ? attributeDirectory : settings).attributes().toArray(String[]::new);
    }

    private static PooledConnectionFactory pool(LdapSettings settings, String name) {
        ConnectionConfig.Builder config = connection(settings);
        if (settings.searchBindDn() != null) {
            config.connectionInitializers(new BindConnectionInitializer(settings.searchBindDn(), new Credential(settings.searchPassword())));
        }
        return PooledConnectionFactory.builder().config(config.build()).min(1).max(settings.poolSize())
                .blockWaitTime(settings.timeout()).pruneStrategy(prune(settings)).name(name).build();
    }

    /** Checks every half idle time, so an idle connection lives at most one and a half idle times. */
    private static IdlePruneStrategy prune(LdapSettings settings) {
        return new IdlePruneStrategy(settings.poolIdleTime().dividedBy(2), settings.poolIdleTime());
    }

    /** Connections open to the directories, in use or idle in the pools. */
    public int openConnections() {
        return count(searchPool) + count(bindPool) + (attributePool == null ? 0 : count(attributePool));
    }

    private static int count(PooledConnectionFactory pool) {
        return pool.activeCount() + pool.availableCount();
    }

    private static ConnectionConfig.Builder connection(LdapSettings settings) {
        ConnectionConfig.Builder builder = ConnectionConfig.builder().url(settings.url()).useStartTLS(settings.startTls())
                .connectTimeout(settings.timeout()).responseTimeout(settings.timeout());
        if (settings.trustAnchors() != null) {
            builder.sslConfig(SslConfig.builder().trustManagers(trustManager(settings.trustAnchors())).build());
        }
        return builder;
    }

    /** A trust manager that accepts server chains ending at one of the given CA certificates (PKIX, no revocation check). */
    public static javax.net.ssl.TrustManager trustManager(List<java.security.cert.X509Certificate> anchors) {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("ca-" + i, anchors.get(i));
            }
            javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            return factory.getTrustManagers()[0];
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the LDAP trust store", e);
        }
    }

    @Override
    public Optional<Account> authenticate(String username, char[] password) {
        if (password == null || password.length == 0) {
            // An empty password would be an unauthenticated bind (RFC 4513 5.1.2), which succeeds on many servers.
            return Optional.empty();
        }
        // One search finds the DN and, without an attribute directory, reads the attributes too; then one bind checks
        // the password. (ldaptive's Authenticator searched twice and re-bound anonymously: four round trips.)
        LdapEntry found;
        try {
            SearchResponse response = new SearchOperation(searchPool, userSearch).execute(FilterTemplate.builder().filter(userFilter).parameter("user", username).build(),
                    attributePool == null ? attributes : new String[] {"1.1"});
            if (response.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED || response.entrySize() != 1) {
                return Optional.empty();
            }
            found = response.getEntry();
        } catch (LdapException e) {
            throw new GridAuthException(IdpError.DIRECTORY_UNAVAILABLE, e, e.getResultCode() + " " + e.getClass().getSimpleName());
        }
        BindResponse bind;
        try {
            bind = new BindOperation(bindPool).execute(new SimpleBindRequest(found.getDn(), new Credential(password)));
        } catch (LdapException e) {
            throw new GridAuthException(IdpError.DIRECTORY_UNAVAILABLE, e, e.getResultCode() + " " + e.getClass().getSimpleName());
        }
        if (bind.getResultCode() == ResultCode.INVALID_CREDENTIALS || bind.getResultCode() == ResultCode.INAPPROPRIATE_AUTHENTICATION) {
            return Optional.empty();
        }
        if (bind.getResultCode() != ResultCode.SUCCESS) {
            throw new GridAuthException(IdpError.DIRECTORY_UNAVAILABLE, String.valueOf(bind.getResultCode()));
        }
        LdapEntry entry = attributePool == null ? found : attributeEntry(username);
        Map<String, List<String>> values = new HashMap<>();
        for (LdapAttribute attribute : entry.getAttributes()) {
            values.put(attribute.getName(), new ArrayList<>(attribute.getStringValues()));
        }
        return Optional.of(new Account(username, found.getDn(), values));
    }

    /** The user's entry in the attribute directory; GA-IDP-028 when there is none (or more than one). */
    private LdapEntry attributeEntry(String username) {
        SearchResponse found;
        try {
            SearchOperation search = new SearchOperation(attributePool, SearchRequest.builder().dn(attributeSettings.baseDn())
                    .scope(SearchScope.SUBTREE).sizeLimit(2).build());
            found = search.execute(FilterTemplate.builder().filter(attributeSettings.userFilter()).parameter("user", username).build(), attributes);
        } catch (LdapException e) {
            throw new GridAuthException(IdpError.DIRECTORY_UNAVAILABLE, e, attributeSettings.url() + ": " + e.getResultCode());
        }
        if (found.entrySize() != 1) {
            throw new GridAuthException(IdpError.NO_ATTRIBUTE_ENTRY, username, found.entrySize());
        }
        return found.getEntry();
    }

    @Override
    public void close() {
        // The pools are the only resources.
        for (PooledConnectionFactory pool : new PooledConnectionFactory[] {searchPool, bindPool, attributePool}) {
            if (pool != null && pool.isInitialized()) {
                pool.close();
            }
        }
    }
}
