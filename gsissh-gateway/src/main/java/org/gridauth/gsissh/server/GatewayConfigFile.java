package org.gridauth.gsissh.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's configuration file: {@code keyword value} lines in the style of sshd_config, {@code #} comments,
 * {@code forward_allow} repeatable. Unknown keywords and bad values stop start-up with the line number.
 */
public final class GatewayConfigFile {

    private static final Set<String> KEYS = Set.of("listen", "port", "host_cert", "host_key", "cert_dir", "gridmap", "ssh_host_key",
            "proxy_dir", "forward_allow", "failure_limit", "failure_window_minutes", "client_certificates");

    private GatewayConfigFile() {
    }

    /** A bad line; the message names the line and the keyword. */
    public static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigException(String message) {
            super(message);
        }
    }

    public static GatewayConfig parse(String text, String source) throws ConfigException {
        GatewayConfig d = GatewayConfig.defaults();
        Map<String, String> values = new HashMap<>();
        List<String> forward = new ArrayList<>();
        int number = 0;
        for (String raw : text.split("\n", -1)) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            String key = parts[0].toLowerCase(Locale.ROOT);
            if (!KEYS.contains(key)) {
                throw new ConfigException(source + " line " + number + ": unknown keyword \"" + parts[0] + "\"");
            }
            if (parts.length != 2) {
                throw new ConfigException(source + " line " + number + ": " + key + " needs a value");
            }
            if (key.equals("forward_allow")) {
                if (!parts[1].matches("[A-Za-z0-9.-]+:(\\d+|\\*)")) {
                    throw new ConfigException(source + " line " + number + ": forward_allow takes host:port or host:*, not \"" + parts[1] + "\"");
                }
                forward.add(parts[1]);
            } else {
                values.put(key, parts[1]);
            }
        }
        return new GatewayConfig(values.getOrDefault("listen", d.bindAddress()), number(values, "port", d.port(), source),
                path(values, "host_cert", d.hostCert()), path(values, "host_key", d.hostKey()), path(values, "cert_dir", d.certDir()),
                path(values, "gridmap", d.gridMapFile()), path(values, "ssh_host_key", d.sshHostKey()),
                path(values, "proxy_dir", d.proxyDirectory()), forward, number(values, "failure_limit", d.failureLimit(), source),
                Duration.ofMinutes(number(values, "failure_window_minutes", (int) d.failureWindow().toMinutes(), source)),
                clientCertificates(values.getOrDefault("client_certificates", "any"), source));
    }

    private static org.gridauth.gsi.gss.PeerCertificates clientCertificates(String value, String source) throws ConfigException {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "any" -> org.gridauth.gsi.gss.PeerCertificates.ANY;
            case "proxies" -> org.gridauth.gsi.gss.PeerCertificates.PROXIES_ONLY;
            default -> throw new ConfigException(source + ": client_certificates is any or proxies, not \"" + value + "\"");
        };
    }

    private static Path path(Map<String, String> values, String key, Path fallback) {
        return values.containsKey(key) ? Path.of(values.get(key)) : fallback;
    }

    private static int number(Map<String, String> values, String key, int fallback, String source) throws ConfigException {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(source + ": " + key + " must be a whole number, not \"" + value + "\"");
        }
    }
}
