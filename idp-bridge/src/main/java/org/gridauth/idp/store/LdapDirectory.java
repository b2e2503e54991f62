package org.gridauth.idp.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.ldaptive.BindConnectionInitializer;
import org.ldaptive.ConnectionConfig;
import org.ldaptive.Credential;
import org.ldaptive.LdapAttribute;
import org.ldaptive.LdapEntry;
import org.ldaptive.LdapException;
import org.ldaptive.PooledConnectionFactory;
import org.ldaptive.ResultCode;
import org.ldaptive.auth.AuthenticationRequest;
import org.ldaptive.auth.AuthenticationResponse;
import org.ldaptive.auth.AuthenticationResultCode;
import org.ldaptive.auth.Authenticator;
import org.ldaptive.auth.SearchDnResolver;
import org.ldaptive.auth.SearchEntryResolver;
import org.ldaptive.auth.SimpleBindAuthenticationHandler;
import org.ldaptive.pool.BindConnectionPassivator;

/**
 * {@link Directory} on any LDAP server through ldaptive: the user's DN is found with a search whose filter
 * parameter ldaptive escapes (RFC 4515), the password is checked by binding as that DN on a pooled connection that
 * is re-bound anonymously before it returns to the pool, and the attributes are read with the search pool.
 */
public final class LdapDirectory implements Directory {

    private final PooledConnectionFactory searchPool;
    private final PooledConnectionFactory bindPool;
    private final Authenticator authenticator;
    private final String[] attributes;

    public LdapDirectory(LdapSettings settings) {
        ConnectionConfig.Builder search = connection(settings);
        if (settings.searchBindDn() != null) {
            search.connectionInitializers(new BindConnectionInitializer(settings.searchBindDn(), new Credential(settings.searchPassword())));
        }
        this.searchPool = PooledConnectionFactory.builder().config(search.build()).min(1).max(settings.poolSize())
                .blockWaitTime(settings.timeout()).name("idp-ldap-search").build();
        this.bindPool = PooledConnectionFactory.builder().config(connection(settings).build()).min(1).max(settings.poolSize())
                .blockWaitTime(settings.timeout()).passivator(new BindConnectionPassivator()).name("idp-ldap-bind").build();
        try {
            searchPool.initialize();
            bindPool.initialize();
        } catch (RuntimeException e) {
            close();
            throw new GridAuthException(IdpError.DIRECTORY_UNAVAILABLE, e, settings.url() + ": " + e.getMessage());
        }
        SearchDnResolver dnResolver = SearchDnResolver.builder().factory(searchPool).dn(settings.baseDn())
                .filter(settings.userFilter()).subtreeSearch(true).allowMultipleDns(false).build();
        this.authenticator = new Authenticator(dnResolver, new SimpleBindAuthenticationHandler(bindPool));
        this.authenticator.setEntryResolver(new SearchEntryResolver(searchPool));
        this.attributes = settings.attributes().toArray(String[]::new);
    }

    private static ConnectionConfig.Builder connection(LdapSettings settings) {
        return ConnectionConfig.builder().url(settings.url()).useStartTLS(settings.startTls())
                .connectTimeout(settings.timeout()).responseTimeout(settings.timeout());
    }

    @Override
    public Optional<Account> authenticate(String username, char[] password) {
        if (password == null || password.length == 0) {
            // An empty password would be an unauthenticated bind (RFC 4513 5.1.2), which succeeds on many servers.
            return Optional.empty();
        }
        AuthenticationResponse response;
        try {
            response = authenticator.authenticate(new AuthenticationRequest(username, new Credential(password), attributes));
        } catch (LdapException e) {
            throw new GridAuthException(IdpError.DIRECTORY_UNAVAILABLE, e, e.getResultCode() + " " + e.getClass().getSimpleName());
        }
        if (!response.isSuccess()) {
            AuthenticationResultCode code = response.getAuthenticationResultCode();
            ResultCode ldapCode = response.getResultCode();
            if (code == AuthenticationResultCode.DN_RESOLUTION_FAILURE || code == AuthenticationResultCode.INVALID_CREDENTIAL
                    || ldapCode == ResultCode.INVALID_CREDENTIALS || ldapCode == ResultCode.INAPPROPRIATE_AUTHENTICATION) {
                return Optional.empty();
            }
            throw new GridAuthException(IdpError.DIRECTORY_UNAVAILABLE, code + " " + ldapCode);
        }
        LdapEntry entry = response.getLdapEntry();
        Map<String, List<String>> values = new HashMap<>();
        if (entry != null) {
            for (LdapAttribute attribute : entry.getAttributes()) {
                values.put(attribute.getName(), new ArrayList<>(attribute.getStringValues()));
            }
        }
        return Optional.of(new Account(username, response.getResolvedDn(), values));
    }

    @Override
    public void close() {
        // The pools are the only resources; the authenticator's own close() would close the search pool twice.
        for (PooledConnectionFactory pool : new PooledConnectionFactory[] {searchPool, bindPool}) {
            if (pool != null && pool.isInitialized()) {
                pool.close();
            }
        }
    }
}
