package org.gridauth.myproxy.policy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The server's configuration file, in the reference myproxy-server.config(5) syntax so that an existing file
 * keeps working: one {@code keyword value...} per line, values optionally in double quotes, {@code #} comments,
 * repeated keywords add patterns, and absent default_* lines mean "no default policy" exactly as in the reference
 * server. gridauth adds a few keywords of its own (port, host_cert, host_key, database_url, sealing_key,
 * kdf_iterations, lockout_threshold, lockout_minutes, min_passphrase_length, unlock_cache_seconds, threads).
 *
 * @param port          listening port (7512)
 * @param hostCert      host certificate file
 * @param hostKey       host key file (unencrypted, mode 400)
 * @param certDir       trust directory
 * @param databaseUrl   JDBC URL of the credential database
 * @param sealingKey    file holding the server key that seals the keys of credentials stored without a passphrase
 * @param kdfIterations PBKDF2 iterations for sealing keys
 * @param threads       connections served at once; more are closed at once
 * @param policy        the policy part
 */
public record ServerConfig(int port, Path hostCert, Path hostKey, Path certDir, String databaseUrl, Path sealingKey,
                           int kdfIterations, int threads, ServerPolicy policy) {

    private static final Set<String> PATTERN_KEYS = Set.of("accepted_credentials", "authorized_retrievers", "default_retrievers",
            "authorized_key_retrievers", "default_key_retrievers", "authorized_renewers", "default_renewers", "trusted_retrievers",
            "default_trusted_retrievers");
    /** Older spellings the reference server still accepts. */
    private static final Map<String, String> ALIASES = Map.of("allowed_clients", "accepted_credentials",
            "allowed_services", "authorized_retrievers");
    private static final Set<String> VALUE_KEYS = Set.of("port", "host_cert", "host_key", "cert_dir", "database_url", "sealing_key",
            "kdf_iterations", "threads", "max_proxy_lifetime", "max_cred_lifetime", "min_keylen", "min_passphrase_length",
            "lockout_threshold", "lockout_minutes", "request_timeout", "request_size_limit", "passphrase_policy_program",
            "check_multiple_credentials", "allow_self_authorization", "unlock_cache_seconds");
    /** Reference keywords for features gridauth does not offer (PAM, SASL, the online CA, replication); each is reported at start-up. */
    private static final Set<String> IGNORED_KEYS = Set.of("syslog_ident", "syslog_facility", "pidfile", "slave_servers",
            "allow_voms_attribute_requests", "voms_userconf", "pubcookie_key", "pam", "pam_id", "sasl", "sasl_mech", "sasl_serverfqdn",
            "sasl_user_realm", "certificate_issuer_program", "certificate_issuer_cert", "certificate_issuer_key", "ca_ldap_server",
            "usage_stats_target", "disable_usage_stats", "ignore_globus_limited_proxy_flag", "proxy_extfile", "proxy_extapp",
            "ocsp_policy", "ocsp_responder_url", "ocsp_responder_cert", "accepted_credentials_mapfile", "accepted_credentials_mapapp");

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
            String keyword = ALIASES.getOrDefault(parts[0].toLowerCase(Locale.ROOT), parts[0].toLowerCase(Locale.ROOT));
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
            AccessPolicy access = new AccessPolicy(list(patterns, "accepted_credentials"),
                    rule(patterns, "authorized_retrievers", "default_retrievers"),
                    rule(patterns, "authorized_renewers", "default_renewers"),
                    rule(patterns, "authorized_key_retrievers", "default_key_retrievers"),
                    rule(patterns, "trusted_retrievers", "default_trusted_retrievers"),
                    bool(values, "allow_self_authorization", source));
            String program = values.get("passphrase_policy_program");
            ServerPolicy policy = new ServerPolicy(access, bool(values, "check_multiple_credentials", source),
                    Duration.ofHours(number(values, "max_proxy_lifetime", defaults.maxProxyLifetime().toHours(), source)),
                    Duration.ofHours(number(values, "max_cred_lifetime", defaults.maxCredLifetime().toHours(), source)),
                    (int) number(values, "min_keylen", defaults.minKeyBits(), source),
                    new PassphrasePolicy((int) number(values, "min_passphrase_length", defaults.passphrase().minimumLength(), source),
                            Optional.ofNullable(program).map(Path::of)),
                    (int) number(values, "lockout_threshold", defaults.lockoutThreshold(), source),
                    Duration.ofMinutes(number(values, "lockout_minutes", defaults.lockoutDuration().toMinutes(), source)),
                    (int) number(values, "request_size_limit", defaults.requestSizeLimit(), source),
                    Duration.ofSeconds(number(values, "request_timeout", 120, source)),
                    Duration.ofSeconds(number(values, "unlock_cache_seconds", defaults.unlockCache().toSeconds(), source)));
            if (program != null && !Files.isExecutable(Path.of(program))) {
                throw new ConfigException(source + ": passphrase_policy_program " + program + " is not an executable file");
            }
            return new ServerConfig((int) number(values, "port", 7512, source),
                    Path.of(values.getOrDefault("host_cert", "/etc/grid-security/hostcert.pem")),
                    Path.of(values.getOrDefault("host_key", "/etc/grid-security/hostkey.pem")),
                    Path.of(values.getOrDefault("cert_dir", "/etc/grid-security/certificates")),
                    durable(values.getOrDefault("database_url", "jdbc:h2:file:/var/lib/gridauth/myproxy/credentials")),
                    Path.of(values.getOrDefault("sealing_key", "/var/lib/gridauth/myproxy/sealing.key")),
                    (int) number(values, "kdf_iterations", 20_000, source),
                    (int) number(values, "threads", 512, source), policy);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": " + e.getMessage());
        }
    }

    /**
     * H2 file databases commit to disk only after a write delay (500 ms by default), so a crash could lose a
     * credential the client was told is stored; gridauth turns the delay off unless the URL sets it.
     */
    static String durable(String url) {
        if (url.startsWith("jdbc:h2:file:") && !url.toUpperCase(Locale.ROOT).contains("WRITE_DELAY")) {
            return url + ";WRITE_DELAY=0";
        }
        return url;
    }

    private static AccessRule rule(Map<String, List<String>> patterns, String serverKey, String defaultKey) {
        return new AccessRule(serverKey, list(patterns, serverKey), list(patterns, defaultKey));
    }

    private static boolean bool(Map<String, String> values, String key, String source) throws ConfigException {
        String value = values.get(key);
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(source + ": " + key + " must be true or false, not \"" + value + "\"");
        };
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
