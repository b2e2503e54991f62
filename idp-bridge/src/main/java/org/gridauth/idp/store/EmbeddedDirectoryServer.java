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
        return start(baseDn, port, ldif, null, null);
    }

    /**
     * As above, with an administrator and a state file. Only {@code adminDn} (bound with {@code adminPassword}) may
     * add, modify or delete entries over LDAP: anonymous clients and users bound as themselves may only read (else a
     * suspended user could bind and set their own account state back to active). When {@code stateFile} is given, the
     * directory is loaded from it if it exists (instead of {@code ldif}) and written back to it after every change,
     * so accounts changed with the admin command survive a restart.
     */
    public static EmbeddedDirectoryServer start(String baseDn, int port, InputStream ldif, Admin admin, java.nio.file.Path stateFile)
            throws IOException {
        try {
            InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(baseDn);
            config.setSchema(schema());
            // Without an equality index every login's search for (uid=...) scans all entries: with 10,000 accounts that
            // linear scan was 60% of the CPU of a sign-on (JFR, benchmarks/RESULTS.md). Index what logins look up by.
            config.setEqualityIndexAttributes(INDEXED);
            config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", java.net.InetAddress.getLoopbackAddress(), port, null));
            config.setPasswordEncoders(new SaltedSha256PasswordEncoder());
            WriteGuard guard = new WriteGuard(admin);
            if (admin != null) {
                config.addAdditionalBindCredentials(admin.dn(), new String(admin.password()));
            }
            config.addInMemoryOperationInterceptor(guard);
            InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
            boolean fromState = stateFile != null && java.nio.file.Files.exists(stateFile);
            try (LDIFReader reader = fromState ? new LDIFReader(stateFile.toFile()) : new LDIFReader(ldif)) {
                server.importFromLDIF(true, reader);
            }
            if (stateFile != null) {
                guard.afterChange = () -> save(server, stateFile);
                if (!fromState) {
                    save(server, stateFile);
                }
            }
            server.startListening();
            return new EmbeddedDirectoryServer(server);
        } catch (LDAPException e) {
            throw new IOException("cannot start the embedded directory: " + e.getMessage(), e);
        }
    }

    /** The embedded directory's administrator: the only identity allowed to write over LDAP. */
    public record Admin(String dn, char[] password) {
    }

    private static synchronized void save(InMemoryDirectoryServer server, java.nio.file.Path stateFile) {
        try {
            java.nio.file.Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            server.exportToLDIF(tmp.toString(), false, true);
            java.nio.file.Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            java.nio.file.Files.move(tmp, stateFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (LDAPException | IOException e) {
            org.slf4j.LoggerFactory.getLogger(EmbeddedDirectoryServer.class).error("cannot save the embedded directory to {}: {}", stateFile, e.getMessage());
        }
    }

    /** Refuses writes from anyone but the administrator, whose bind (DN and password) it checks itself. */
    private static final class WriteGuard extends com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor {
        private final java.util.Set<Long> adminConnections = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final com.unboundid.ldap.sdk.DN admin;
        private final byte[] adminPassword;
        private volatile Runnable afterChange;

        WriteGuard(Admin admin) throws LDAPException {
            this.admin = admin == null ? null : new com.unboundid.ldap.sdk.DN(admin.dn());
            this.adminPassword = admin == null ? null : new String(admin.password()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        /** Every bind decides anew whether the connection is the administrator's: right DN and right password. */
        @Override
        public void processSimpleBindRequest(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindRequest request) {
            boolean isAdmin = false;
            try {
                isAdmin = admin != null && admin.equals(new com.unboundid.ldap.sdk.DN(request.getRequest().getBindDN()))
                        && java.security.MessageDigest.isEqual(adminPassword, request.getRequest().getPassword().getValue());
            } catch (LDAPException e) {
                // not a DN: not the administrator
            }
            // Only administrator connections are remembered (few), by connection ID: operation properties do not outlive
            // the operation, so the bind's outcome is kept here.
            if (isAdmin) {
                adminConnections.add(request.getConnectionID());
            } else {
                adminConnections.remove(request.getConnectionID());
            }
        }

        private void check(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedRequest request) throws LDAPException {
            if (!adminConnections.contains(request.getConnectionID())) {
                throw new LDAPException(com.unboundid.ldap.sdk.ResultCode.INSUFFICIENT_ACCESS_RIGHTS, "only the directory administrator may write");
            }
        }

        private void changed() {
            Runnable r = afterChange;
            if (r != null) {
                r.run();
            }
        }

        @Override
        public void processAddRequest(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedAddRequest request) throws LDAPException {
            check(request);
        }

        @Override
        public void processAddResult(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedAddResult result) {
            if (result.getResult().getResultCode() == com.unboundid.ldap.sdk.ResultCode.SUCCESS) {
                changed();
            }
        }

        @Override
        public void processModifyRequest(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedModifyRequest request) throws LDAPException {
            check(request);
        }

        @Override
        public void processModifyResult(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedModifyResult result) {
            if (result.getResult().getResultCode() == com.unboundid.ldap.sdk.ResultCode.SUCCESS) {
                changed();
            }
        }

        @Override
        public void processDeleteRequest(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedDeleteRequest request) throws LDAPException {
            check(request);
        }

        @Override
        public void processDeleteResult(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedDeleteResult result) {
            if (result.getResult().getResultCode() == com.unboundid.ldap.sdk.ResultCode.SUCCESS) {
                changed();
            }
        }

        @Override
        public void processModifyDNRequest(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedModifyDNRequest request) throws LDAPException {
            check(request);
        }

        @Override
        public void processModifyDNResult(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedModifyDNResult result) {
            if (result.getResult().getResultCode() == com.unboundid.ldap.sdk.ResultCode.SUCCESS) {
                changed();
            }
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
