package org.gridauth.myproxy.protocol;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A client request: {@code KEY=VALUE} lines ending in a NUL byte. Unknown lines are ignored (protocol rule 8).
 *
 * <p>{@link #toString()} never shows the passphrases.
 *
 * @param version         the VERSION line, {@code MYPROXYv2}
 * @param command         what the client asks for
 * @param username        the credential's user name
 * @param passphrase      the credential passphrase; empty asks for certificate-based authorization
 * @param newPassphrase   CHANGE_CRED_PASSPHRASE only, else empty
 * @param lifetimeSeconds requested lifetime of the proxy (GET) or of the delegated credential (PUT)
 * @param credentialName  CRED_NAME, empty for the default credential
 * @param description     CRED_DESC
 * @param retrievers      RETRIEVER policy (regular expression of DNs) set at PUT/STORE
 * @param renewers        RENEWER policy
 * @param keyRetrievers   KEYRETRIEVER policy (STORE)
 * @param trustedRetrievers RETRIEVER_TRUSTED policy (myproxy-init -Z)
 * @param wantTrustRoots  TRUSTED_CERTS=1: the client wants the server's trust roots too
 */
public record MyProxyRequest(String version, MyProxyCommand command, String username, String passphrase,
                             String newPassphrase, long lifetimeSeconds, String credentialName, String description,
                             String retrievers, String renewers, String keyRetrievers, String trustedRetrievers,
                             boolean wantTrustRoots) {

    public static final String VERSION = "MYPROXYv2";

    /** Parses a message (without its NUL terminator). */
    public static MyProxyRequest parse(byte[] message) throws ProtocolException {
        Map<String, String> fields = fields(message);
        String version = fields.get("VERSION");
        if (version == null) {
            throw new ProtocolException("Error parsing version from client request");
        }
        if (!VERSION.equals(version)) {
            throw new ProtocolException("Unsupported protocol version " + printable(version) + "; this server speaks " + VERSION);
        }
        long commandCode = number(fields, "COMMAND", "command");
        MyProxyCommand command = MyProxyCommand.of(commandCode > Integer.MAX_VALUE ? -1 : (int) commandCode)
                .orElseThrow(() -> new ProtocolException("Unknown command " + printable(fields.get("COMMAND"))));
        String username = fields.get("USERNAME");
        if (username == null) {
            throw new ProtocolException("Error parsing username from client request");
        }
        String passphrase = fields.getOrDefault("PASSPHRASE", "");
        long lifetime = fields.containsKey("LIFETIME") ? number(fields, "LIFETIME", "lifetime") : 0;
        if (lifetime < 0) {
            throw new ProtocolException("Error parsing lifetime from client request: it is negative");
        }
        String trusted = fields.get("TRUSTED_CERTS");
        boolean wantTrustRoots = trusted != null && number(fields, "TRUSTED_CERTS", "TRUSTED_CERTS") != 0;
        return new MyProxyRequest(version, command, username, passphrase, fields.getOrDefault("NEW_PHRASE", ""), lifetime,
                fields.getOrDefault("CRED_NAME", ""), fields.getOrDefault("CRED_DESC", ""), fields.get("RETRIEVER"),
                fields.get("RENEWER"), fields.get("KEYRETRIEVERS"), fields.get("RETRIEVER_TRUSTED"), wantTrustRoots);
    }

    /** The request as the client sends it (used by gridauth's own MyProxy client and by tests). */
    public byte[] encode() {
        StringBuilder out = new StringBuilder();
        out.append("VERSION=").append(version).append('\n');
        out.append("COMMAND=").append(command.code()).append('\n');
        out.append("USERNAME=").append(username).append('\n');
        out.append("PASSPHRASE=").append(passphrase).append('\n');
        if (!newPassphrase.isEmpty()) {
            out.append("NEW_PHRASE=").append(newPassphrase).append('\n');
        }
        out.append("LIFETIME=").append(lifetimeSeconds).append('\n');
        optional(out, "RETRIEVER", retrievers);
        optional(out, "RENEWER", renewers);
        optional(out, "KEYRETRIEVERS", keyRetrievers);
        optional(out, "RETRIEVER_TRUSTED", trustedRetrievers);
        optional(out, "CRED_NAME", credentialName.isEmpty() ? null : credentialName);
        optional(out, "CRED_DESC", description.isEmpty() ? null : description);
        if (wantTrustRoots) {
            out.append("TRUSTED_CERTS=1\n");
        }
        out.append('\0');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "MyProxyRequest[" + command + " user=" + username + (credentialName.isEmpty() ? "" : " cred=" + credentialName)
                + " lifetime=" + lifetimeSeconds + " passphrase=" + (passphrase.isEmpty() ? "(empty)" : "(hidden)") + "]";
    }

    private static void optional(StringBuilder out, String key, String value) {
        if (value != null) {
            out.append(key).append('=').append(value).append('\n');
        }
    }

    static Map<String, String> fields(byte[] message) throws ProtocolException {
        String text = new String(message, StandardCharsets.UTF_8);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = line.substring(0, eq);
            if (fields.putIfAbsent(key, line.substring(eq + 1)) != null && !key.startsWith("ERROR")) {
                throw new ProtocolException("The field " + printable(key) + " appears twice in the request");
            }
        }
        return fields;
    }

    private static long number(Map<String, String> fields, String key, String name) throws ProtocolException {
        String value = fields.get(key);
        if (value == null) {
            throw new ProtocolException("Error parsing " + name + " from client request: it is missing");
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ProtocolException("Error parsing " + name + " from client request: it is not a number");
        }
    }

    static String printable(String value) {
        if (value == null) {
            return "(missing)";
        }
        String clipped = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return "\"" + clipped.replaceAll("\\p{Cntrl}", "?") + "\"";
    }
}
