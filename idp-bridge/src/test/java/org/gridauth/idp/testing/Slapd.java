package org.gridauth.idp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

import org.gridauth.gsi.testing.GridTools;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldif.LDIFReader;

/**
 * A real OpenLDAP slapd (Debian package slapd) started by the test on loopback with its own configuration and
 * database in a temporary directory, the gridauth schema, and the demo accounts loaded over LDAP.
 */
public final class Slapd implements AutoCloseable {

    public static final String SUFFIX = "dc=hpci,dc=example,dc=jp";

    private final Process process;
    private final int port;
    private final int tlsPort;

    private Slapd(Process process, int port, int tlsPort) {
        this.process = process;
        this.port = port;
        this.tlsPort = tlsPort;
    }

    /** The server's TLS certificate and unencrypted key (PEM files); slapd then also listens for LDAPS and offers StartTLS. */
    public record Tls(Path certificate, Path key) {
    }

    public static Slapd start(Path dir, InputStream ldif) throws Exception {
        return start(dir, ldif, null);
    }

    public static Slapd start(Path dir, InputStream ldif, Tls tls) throws Exception {
        // Debian installs slapd in /usr/sbin, which is not on every user's PATH.
        Path sbin = Path.of("/usr/sbin/slapd");
        Path slapd = Files.isExecutable(sbin) ? sbin : GridTools.require("slapd", "slapd");
        Path schema = dir.resolve("gridauth-hpci.schema");
        try (InputStream in = Slapd.class.getResourceAsStream("/ldap/gridauth-hpci.schema")) {
            Files.write(schema, in.readAllBytes());
        }
        Path db = Files.createDirectories(dir.resolve("db"));
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String rootPassword = HexFormat.of().formatHex(secret);
        Path config = dir.resolve("slapd.conf");
        Files.writeString(config, String.join("\n",
                "include /etc/ldap/schema/core.schema",
                "include /etc/ldap/schema/cosine.schema",
                "include /etc/ldap/schema/inetorgperson.schema",
                "include " + schema,
                "pidfile " + dir.resolve("slapd.pid"),
                tls == null ? "" : "TLSCertificateFile " + tls.certificate(),
                tls == null ? "" : "TLSCertificateKeyFile " + tls.key(),
                "modulepath /usr/lib/ldap",
                "moduleload back_mdb",
                "database mdb",
                "maxsize 104857600",
                "suffix \"" + SUFFIX + "\"",
                "rootdn \"cn=admin," + SUFFIX + "\"",
                "rootpw " + rootPassword,
                "directory " + db,
                "access to attrs=userPassword by anonymous auth by self write by * none",
                "access to * by * read",
                ""));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        int tlsPort = 0;
        if (tls != null) {
            try (ServerSocket socket = new ServerSocket(0)) {
                tlsPort = socket.getLocalPort();
            }
        }
        String listeners = "ldap://127.0.0.1:" + port + "/" + (tls == null ? "" : " ldaps://127.0.0.1:" + tlsPort + "/");
        Process process = new ProcessBuilder(List.of(slapd.toString(), "-f", config.toString(), "-h", listeners, "-d", "0"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("slapd.log").toFile()).start();
        Slapd server = new Slapd(process, port, tlsPort);
        try {
            server.awaitListening(dir);
            try (LDAPConnection connection = new LDAPConnection("127.0.0.1", port, "cn=admin," + SUFFIX, rootPassword);
                 LDIFReader reader = new LDIFReader(ldif)) {
                com.unboundid.ldif.LDIFRecord record;
                while ((record = reader.readLDIFRecord()) != null) {
                    connection.add(new com.unboundid.ldap.sdk.Entry(record.getDN(), ((com.unboundid.ldap.sdk.Entry) record).getAttributes()));
                }
            }
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitListening(Path dir) throws IOException, InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("slapd exited: " + Files.readString(dir.resolve("slapd.log")));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("slapd did not listen within 10 s");
    }

    public String url() {
        return "ldap://127.0.0.1:" + port;
    }

    /** ldap:// with the given host name (for StartTLS, where the name is checked against the certificate). */
    public String url(String host) {
        return "ldap://" + host + ":" + port;
    }

    /** ldaps:// with the given host name; only with {@link Tls}. */
    public String ldapsUrl(String host) {
        return "ldaps://" + host + ":" + tlsPort;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
