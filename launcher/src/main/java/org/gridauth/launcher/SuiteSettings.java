package org.gridauth.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.gridauth.gsi.credential.AtomicFiles;

/**
 * The launcher's own settings ({@code <home>/gridauth.conf}, Java properties): the loopback ports of every
 * service 'gridauth up' starts. Written with the defaults on first start; each service keeps its own
 * configuration file under the home as well. A port of 0 picks a free one (tests).
 */
record SuiteSettings(int myProxyPort, int gatewayPort, int caRaPort, int caHttpPort, int caHttpsPort, int certManagerPort, int idpPort,
                     int portalPort, int certManagerManagementPort) {

    static final Map<String, Integer> DEFAULTS;

    static {
        Map<String, Integer> defaults = new LinkedHashMap<>();
        defaults.put("port.myproxy", 7512);
        defaults.put("port.gsissh-gateway", 2222);
        defaults.put("port.ca-ra", 11412);
        defaults.put("port.ca-repository-http", 8090);
        defaults.put("port.ca-repository-https", 8091);
        defaults.put("port.cert-manager", 8444);
        defaults.put("port.idp", 8480);
        defaults.put("port.ra-portal", 8443);
        // Health and metrics of the certificate manager (loopback only; its service port asks for client certificates).
        defaults.put("port.cert-manager-management", 8445);
        DEFAULTS = java.util.Collections.unmodifiableMap(defaults);
    }

    /** Reads the settings, writing the defaults first when the file does not exist yet. */
    static SuiteSettings load(Path home) {
        return read(home, true);
    }

    /** Reads the settings; a missing file means the defaults (for commands that must not change the home). */
    static SuiteSettings read(Path home) {
        return read(home, false);
    }

    private static SuiteSettings read(Path home, boolean create) {
        Path file = home.resolve("gridauth.conf");
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        } else if (create) {
            StringBuilder text = new StringBuilder("# gridauth up: loopback ports of the services (see the operations chapter)\n");
            DEFAULTS.forEach((key, port) -> text.append(key).append(" = ").append(port).append('\n'));
            AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
        }
        for (String key : p.stringPropertyNames()) {
            if (!DEFAULTS.containsKey(key)) {
                throw new org.gridauth.gsi.error.GridAuthException(LauncherError.SETTINGS_INVALID, file,
                        "unknown setting \"" + key + "\" (known: " + String.join(", ", DEFAULTS.keySet()) + ")");
            }
        }
        int[] ports = DEFAULTS.entrySet().stream().mapToInt(e -> port(file, p, e.getKey(), e.getValue())).toArray();
        return new SuiteSettings(ports[0], ports[1], ports[2], ports[3], ports[4], ports[5], ports[6], ports[7], ports[8]);
    }

    private static int port(Path file, Properties p, String key, int fallback) {
        String text = p.getProperty(key);
        if (text == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(text.strip());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new org.gridauth.gsi.error.GridAuthException(LauncherError.SETTINGS_INVALID, file,
                    key + " must be a port number from 0 to 65535, not \"" + text.strip() + "\"");
        }
    }

    /** The ports 'gridauth up' serves on, the documented set 'gridauth portcheck' expects on a suite host. */
    java.util.SortedSet<Integer> documentedPorts() {
        return new java.util.TreeSet<>(List.of(myProxyPort, gatewayPort, caRaPort, caHttpPort, caHttpsPort, certManagerPort, idpPort, portalPort,
                certManagerManagementPort));
    }
}
