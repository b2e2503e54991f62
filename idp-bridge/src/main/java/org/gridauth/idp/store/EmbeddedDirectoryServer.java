package org.gridauth.idp.store;

import java.io.IOException;
import java.io.InputStream;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.schema.Schema;
import com.unboundid.ldif.LDIFException;
import com.unboundid.ldif.LDIFReader;

/**
 * The embedded default directory: UnboundID's in-memory LDAP server on loopback, loaded from an LDIF of accounts.
 * Passwords are stored salted SHA-256 ({SSHA256}) even when the LDIF gives them in clear. The schema is the standard
 * one plus {@code ldap/gridauth-hpci.schema} (eduPerson, hpciPerson with hpciId, hpciAccountState, jao, jaou), the same
 * file slapd is given; a schema is what lets the server keep equality indexes.
 */
public final class EmbeddedDirectoryServer implements AutoCloseable {

    /** Attributes the embedded directory keeps an equality index for: what user filters and the admin CLI search by. */
    static final String[] INDEXED = {"uid", "mail", "eduPersonPrincipalName", "hpciId"};

    private final InMemoryDirectoryServer server;

    private EmbeddedDirectoryServer(InMemoryDirectoryServer server) {
        this.server = server;
    }

    public static EmbeddedDirectoryServer start(String baseDn, int port, InputStream ldif) throws IOException {
        try {
            InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(baseDn);
            config.setSchema(schema());
            // Without an equality index every login's search for (uid=...) scans all entries: with 10,000 accounts that
            // linear scan was 60% of the CPU of a sign-on (JFR, benchmarks/RESULTS.md). Index what logins look up by.
            config.setEqualityIndexAttributes(INDEXED);
            config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", java.net.InetAddress.getLoopbackAddress(), port, null));
            config.setPasswordEncoders(new SaltedSha256PasswordEncoder());
            InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
            try (LDIFReader reader = new LDIFReader(ldif)) {
                server.importFromLDIF(true, reader);
            }
            server.startListening();
            return new EmbeddedDirectoryServer(server);
        } catch (LDAPException e) {
            throw new IOException("cannot start the embedded directory: " + e.getMessage(), e);
        }
    }

    /** The standard schema (RFC 4519, inetOrgPerson, ...) merged with the gridauth schema in OpenLDAP's file format. */
    static Schema schema() throws IOException, LDAPException {
        String text;
        try (InputStream in = EmbeddedDirectoryServer.class.getResourceAsStream("/ldap/gridauth-hpci.schema")) {
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        java.util.List<String> attributeTypes = new java.util.ArrayList<>();
        java.util.List<String> objectClasses = new java.util.ArrayList<>();
        String body = text.lines().filter(line -> !line.startsWith("#")).collect(java.util.stream.Collectors.joining(" "));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)(attributetype|objectclass)\\s+(\\(.*?\\s\\))(?=\\s*(attributetype|objectclass|$))")
                .matcher(body);
        while (m.find()) {
            String definition = m.group(2).replaceAll("\\s+", " ");
            (m.group(1).equalsIgnoreCase("attributetype") ? attributeTypes : objectClasses).add(definition);
        }
        if (attributeTypes.isEmpty() || objectClasses.isEmpty()) {
            throw new IOException("ldap/gridauth-hpci.schema has no definitions");
        }
        com.unboundid.ldap.sdk.Entry entry = new com.unboundid.ldap.sdk.Entry("cn=schema",
                new com.unboundid.ldap.sdk.Attribute("objectClass", "top", "ldapSubEntry", "subschema"),
                new com.unboundid.ldap.sdk.Attribute("attributeTypes", attributeTypes),
                new com.unboundid.ldap.sdk.Attribute("objectClasses", objectClasses));
        return Schema.mergeSchemas(Schema.getDefaultStandardSchema(), new Schema(entry));
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
