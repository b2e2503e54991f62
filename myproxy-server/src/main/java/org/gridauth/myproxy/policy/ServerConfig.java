package org.gridauth.myproxy.policy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The server's configuration file, in the reference myproxy-server.config(5) syntax so that an existing file
 * keeps working: one {@code keyword value...} per line, values optionally in double quotes, {@code #} comments,
 * repeated keywords add patterns. gridauth adds a few keywords of its own (port, host_cert, host_key,
 * database_url, kdf_iterations, lockout_threshold, lockout_minutes, min_passphrase_length, threads).
 *
 * @param port          listening port (7512)
 * @param hostCert      host certificate file
 * @param hostKey       host key file (unencrypted, mode 400)
 * @param certDir       trust directory
 * @param databaseUrl   JDBC URL of the credential database
 * @param kdfIterations PBKDF2 iterations for sealing keys
 * @param threads       connections served at once
 * @param policy        the policy part
 */
public record ServerConfig(int port, Path hostCert, Path hostKey, Path certDir, String databaseUrl, int kdfIterations,
                           int threads, ServerPolicy policy) {

    private static final Set<String> PATTERN_KEYS = Set.of("accepted_credentials", "authorized_retrievers", "default_retrievers",
            "authorized_key_retrievers", "default_key_retrievers", "authorized_renewers", "default_renewers", "trusted_retrievers",
            "default_trusted_retrievers");
    private static final Set<String> VALUE_KEYS = Set.of("port", "host_cert", "host_key", "cert_dir", "database_url", "kdf_iterations",
            "threads", "max_proxy_lifetime", "max_cred_lifetime", "min_keylen", "min_passphrase_length", "lockout_threshold",
            "lockout_minutes", "request_timeout", "request_size_limit");
    /** Reference keywords gridauth reads without acting on them yet; each is reported at start-up. */
    private static final Set<String> IGNORED_KEYS = Set.of("passphrase_policy_program", "check_multiple_credentials",
            "allow_self_authorization", "syslog_ident", "pidfile", "slave_servers", "allow_voms_attribute_requests", "pubcookie_key",
            "pam", "sasl", "certificate_issuer_program", "ca_ldap_server", "usage_stats_target", "disable_usage_stats");

    /** A line of the file was wrong: the message names the line number and the keyword. */
    public static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigException(String message) {
            super(message);
        }
    }

    /** Parses the text; {@code warnings} receives one line per keyword that is understood but not acted upon. */
    public static ServerConfig parse(String text, String source, List<String> warnings) throws ConfigException {
        Map<String, List<String>> patterns = new LinkedHashMap<>();
        Map<String, String> values = new LinkedHashMap<>();
        int lineNumber = 0;
        for (String raw : text.split("\n", -1)) {
            lineNumber++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            String keyword = parts[0].toLowerCase(Locale.ROOT);
            List<String> args = parts.length > 1 ? tokens(parts[1], source, lineNumber) : List.of();
            if (PATTERN_KEYS.contains(keyword)) {
                if (args.isEmpty()) {
                    throw new ConfigException(source + " line " + lineNumber + ": " + keyword + " needs at least one DN pattern");
                }
                patterns.computeIfAbsent(keyword, k -> new ArrayList<>()).addAll(args);
            } else if (VALUE_KEYS.contains(keyword)) {
                if (args.size() != 1) {
                    throw new ConfigException(source + " line " + lineNumber + ": " + keyword + " takes exactly one value");
                }
                values.put(keyword, args.get(0));
            } else if (IGNORED_KEYS.contains(keyword)) {
                warnings.add(source + " line " + lineNumber + ": " + keyword + " is not supported by gridauth and is ignored");
            } else {
                throw new ConfigException(source + " line " + lineNumber + ": unknown keyword \"" + parts[0] + "\"");
            }
        }
        ServerPolicy defaults = ServerPolicy.permissive();
        try {
            ServerPolicy policy = new ServerPolicy(
                    list(patterns, "accepted_credentials"), list(patterns, "authorized_retrievers"), list(patterns, "default_retrievers"),
                    list(patterns, "authorized_key_retrievers"), list(patterns, "default_key_retrievers"),
                    Duration.ofHours(number(values, "max_proxy_lifetime", defaults.maxProxyLifetime().toHours(), source)),
                    Duration.ofHours(number(values, "max_cred_lifetime", defaults.maxCredLifetime().toHours(), source)),
                    (int) number(values, "min_keylen", defaults.minKeyBits(), source),
                    (int) number(values, "min_passphrase_length", defaults.minPassphraseLength(), source),
                    (int) number(values, "lockout_threshold", defaults.lockoutThreshold(), source),
                    Duration.ofMinutes(number(values, "lockout_minutes", defaults.lockoutDuration().toMinutes(), source)),
                    (int) number(values, "request_size_limit", defaults.requestSizeLimit(), source),
                    Duration.ofSeconds(number(values, "request_timeout", defaults.requestTimeout().toSeconds(), source)));
            return new ServerConfig((int) number(values, "port", 7512, source),
                    Path.of(values.getOrDefault("host_cert", "/etc/grid-security/hostcert.pem")),
                    Path.of(values.getOrDefault("host_key", "/etc/grid-security/hostkey.pem")),
                    Path.of(values.getOrDefault("cert_dir", "/etc/grid-security/certificates")),
                    values.getOrDefault("database_url", "jdbc:h2:file:/var/lib/gridauth/myproxy/credentials"),
                    (int) number(values, "kdf_iterations", 20_000, source),
                    (int) number(values, "threads", 32, source), policy);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": " + e.getMessage());
        }
    }

    private static List<DnPattern> list(Map<String, List<String>> patterns, String key) {
        return patterns.getOrDefault(key, List.of()).stream().map(DnPattern::new).toList();
    }

    private static long number(Map<String, String> values, String key, long fallback, String source) throws ConfigException {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new ConfigException(source + ": " + key + " cannot be negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(source + ": " + key + " must be a whole number, not \"" + value + "\"");
        }
    }

    /** Splits on white space, honouring double quotes (patterns may contain spaces). */
    private static List<String> tokens(String text, String source, int line) throws ConfigException {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) {
                    out.add(current.toString());
                    current.setLength(0);
                    any = false;
                }
            } else {
                current.append(c);
                any = true;
            }
        }
        if (quoted) {
            throw new ConfigException(source + " line " + line + ": a double quote is not closed");
        }
        if (any) {
            out.add(current.toString());
        }
        return out;
    }
}
