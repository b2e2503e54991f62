package org.gridauth.idp.store;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import com.unboundid.ldap.listener.Base64PasswordEncoderOutputFormatter;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.SaltedMessageDigestInMemoryPasswordEncoder;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldif.LDIFException;
import com.unboundid.ldif.LDIFReader;

/**
 * The embedded default directory: UnboundID's in-memory LDAP server on loopback, loaded from an LDIF of accounts.
 * Passwords are stored salted SHA-256 ({SSHA256}) even when the LDIF gives them in clear. Schema checking is off
 * so HPCI and GakuNin attributes (hpciId, jao, jaou) need no schema file.
 */
public final class EmbeddedDirectoryServer implements AutoCloseable {

    private final InMemoryDirectoryServer server;

    private EmbeddedDirectoryServer(InMemoryDirectoryServer server) {
        this.server = server;
    }

    public static EmbeddedDirectoryServer start(String baseDn, int port, InputStream ldif) throws IOException {
        try {
            InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(baseDn);
            config.setSchema(null);
            config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", java.net.InetAddress.getLoopbackAddress(), port, null));
            config.setPasswordEncoders(new SaltedMessageDigestInMemoryPasswordEncoder("{SSHA256}",
                    Base64PasswordEncoderOutputFormatter.getInstance(), MessageDigest.getInstance("SHA-256"), 16, true, true));
            InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
            try (LDIFReader reader = new LDIFReader(ldif)) {
                server.importFromLDIF(true, reader);
            }
            server.startListening();
            return new EmbeddedDirectoryServer(server);
        } catch (LDAPException | NoSuchAlgorithmException e) {
            throw new IOException("cannot start the embedded directory: " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getListenPort();
    }

    public String url() {
        return "ldap://127.0.0.1:" + port();
    }

    /** The underlying server, for account administration in the same process (tests, launcher). */
    public InMemoryDirectoryServer server() {
        return server;
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}
