package org.gridauth.idp.store;

import java.time.Duration;
import java.util.List;

/**
 * How to reach the directory.
 *
 * @param url            {@code ldap://host:389} or {@code ldaps://host:636}; several URLs separated by spaces fail over
 * @param startTls       upgrade an ldap:// connection with StartTLS
 * @param baseDn         where user entries live, e.g. {@code ou=people,dc=hpci,dc=example,dc=jp}
 * @param userFilter     the search filter with {@code {user}} for the (escaped) user name, e.g. {@code (uid={user})}
 * @param searchBindDn   DN to bind as for searches, or null for anonymous search
 * @param searchPassword its password (read from a file by the caller, never from the command line)
 * @param attributes     the LDAP attributes to read for the account
 * @param poolSize       maximum connections per pool
 * @param timeout        connect and response timeout
 * @param trustAnchors   CA certificates the server's TLS certificate must chain to (LDAPS and StartTLS); null: the
 *                       Java runtime's default trust store. The host name is checked against the certificate either way.
 * @param poolIdleTime   a pooled connection unused this long is closed (down to one per pool), so a burst of sign-ins
 *                       does not hold its connections, and the directory's threads behind them, for good
 */
public record LdapSettings(String url, boolean startTls, String baseDn, String userFilter, String searchBindDn,
                           char[] searchPassword, List<String> attributes, int poolSize, Duration timeout,
                           List<java.security.cert.X509Certificate> trustAnchors, Duration poolIdleTime) {

    /** How long an idle pooled connection is kept unless configured otherwise. */
    public static final Duration DEFAULT_POOL_IDLE_TIME = Duration.ofMinutes(2);

    /** With the default idle time of pooled connections. */
    public LdapSettings(String url, boolean startTls, String baseDn, String userFilter, String searchBindDn,
                        char[] searchPassword, List<String> attributes, int poolSize, Duration timeout,
                        List<java.security.cert.X509Certificate> trustAnchors) {
        this(url, startTls, baseDn, userFilter, searchBindDn, searchPassword, attributes, poolSize, timeout, trustAnchors, DEFAULT_POOL_IDLE_TIME);
    }

    /** With the Java runtime's default trust store. */
    public LdapSettings(String url, boolean startTls, String baseDn, String userFilter, String searchBindDn,
                        char[] searchPassword, List<String> attributes, int poolSize, Duration timeout) {
        this(url, startTls, baseDn, userFilter, searchBindDn, searchPassword, attributes, poolSize, timeout, null);
    }

    public LdapSettings {
        attributes = List.copyOf(attributes);
        trustAnchors = trustAnchors == null ? null : List.copyOf(trustAnchors);
        if (poolIdleTime == null || poolIdleTime.isNegative() || poolIdleTime.isZero()) {
            throw new IllegalArgumentException("the idle time of pooled directory connections must be positive, not " + poolIdleTime);
        }
        if (!userFilter.contains("{user}")) {
            throw new IllegalArgumentException("the user filter must contain {user}");
        }
    }

    @Override
    public String toString() {
        return "LdapSettings[url=" + url + ", startTls=" + startTls + ", baseDn=" + baseDn + ", userFilter=" + userFilter
                + ", searchBindDn=" + searchBindDn + ", poolSize=" + poolSize + ", poolIdleTime=" + poolIdleTime + ", trustAnchors=" + (trustAnchors == null ? "default" : trustAnchors.size()) + "]";
    }
}
