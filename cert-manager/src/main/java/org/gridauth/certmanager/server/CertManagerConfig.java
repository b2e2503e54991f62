package org.gridauth.certmanager.server;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.certmanager.policy.PassphraseRule;
import org.gridauth.certmanager.policy.ProxyLifetimePolicy;
import org.gridauth.certmanager.service.IssuanceNotifier.MailSettings;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;

/**
 * {@code cert-manager.conf} (Java properties syntax, UTF-8), read and checked completely at start-up so that a
 * mistake stops the service before it answers anyone. Secrets are never in this file: it names files holding
 * them. Every key is documented in the manual's certificate manager chapter.
 */
public record CertManagerConfig(Path source, String databaseUrl, String databaseUser, Path databasePasswordFile, InetSocketAddress listen,
                                int threads, Path tlsCertificate, Path tlsKey, Path trustDir, List<GridDn> portalClients, URI caUrl,
                                Path raCertificate, Path raKey, Path caCertificate, String caProfile, GridDn subjectBase, int keyBits,
                                PassphraseRule keyPassphrase, String myproxyHost, int myproxyPort, ProxyLifetimePolicy proxyLifetime,
                                PassphraseRule storagePassphrase, Path acCertificate, Path acKey, String acHost, int acPort,
                                MailSettings mail, InetSocketAddress managementListen, int keyPool) {

    private static final Set<String> KNOWN = Set.of("database.url", "database.user", "database.password-file", "listen", "threads",
            "tls.certificate", "tls.key", "trust.dir", "portal.clients", "ca.url", "ca.ra-certificate", "ca.ra-key", "ca.certificate",
            "ca.profile", "subject.base", "key.bits", "passphrase.min-length", "myproxy.host", "myproxy.port", "proxy.default-hours",
            "proxy.max-hours", "proxy.storage-passphrase.min-length", "ac.certificate", "ac.key", "ac.host", "ac.port", "mail.host",
            "mail.port", "mail.from", "mail.notify-holder", "management.listen", "key.pool");
    private static final String MAIL_RECIPIENTS = "mail.recipients.";

    public static CertManagerConfig load(Path file) {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
        } catch (IOException e) {
            throw new GridAuthException(CertManagerError.CONFIGURATION_INVALID, e, file, "cannot read it: " + e.getMessage());
        }
        for (String key : p.stringPropertyNames()) {
            if (!KNOWN.contains(key) && !key.startsWith(MAIL_RECIPIENTS)) {
                throw invalid(file, "unknown setting \"" + key + "\"");
            }
        }
        Settings s = new Settings(file, file.toAbsolutePath().getParent(), p);
        List<GridDn> portals = new ArrayList<>();
        for (String dn : s.text("portal.clients", null).split(";")) {
            if (!dn.isBlank()) {
                portals.add(s.dn("portal.clients", dn.trim()));
            }
        }
        Map<String, List<String>> recipients = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(MAIL_RECIPIENTS)) {
                recipients.put(key.substring(MAIL_RECIPIENTS.length()).toLowerCase(Locale.ROOT),
                        Arrays.stream(p.getProperty(key).split(",")).map(String::trim).filter(a -> !a.isEmpty()).toList());
            }
        }
        MailSettings mail = p.getProperty("mail.host") == null ? null : new MailSettings(s.text("mail.host", null),
                (int) s.number("mail.port", 25L), s.text("mail.from", null), recipients,
                Boolean.parseBoolean(p.getProperty("mail.notify-holder", "true").trim()));
        long defaultHours = s.number("proxy.default-hours", 12L);
        long maxHours = s.number("proxy.max-hours", 168L);
        if (defaultHours < 1 || defaultHours > maxHours) {
            throw invalid(file, "proxy.default-hours must be between 1 and proxy.max-hours");
        }
        boolean ac = p.getProperty("ac.certificate") != null;
        long keyBits = s.number("key.bits", 2048L);
        if (keyBits < 2048) {
            throw invalid(file, "key.bits must be at least 2048");
        }
        long keyPool = s.number("key.pool", 32L);
        if (keyPool < 0 || keyPool > 10_000) {
            throw invalid(file, "key.pool must be between 0 (no pool) and 10000 key pairs");
        }
        InetSocketAddress management = p.getProperty("management.listen") == null ? null : s.address("management.listen", null);
        if (management != null && (management.getAddress() == null || !management.getAddress().isLoopbackAddress())) {
            // The health and metrics port is for the monitoring agent on this machine; R-OP-3 lists no such port outside.
            throw invalid(file, "management.listen must be a loopback address (127.0.0.1:PORT or [::1]:PORT), not \""
                    + p.getProperty("management.listen").trim() + "\"");
        }
        return new CertManagerConfig(file, s.text("database.url", null), p.getProperty("database.user", "").trim(),
                s.optionalPath("database.password-file"), s.address("listen", "0.0.0.0:8444"), (int) s.number("threads", 16L),
                s.path("tls.certificate"), s.path("tls.key"), s.path("trust.dir"), portals, s.uri("ca.url"), s.path("ca.ra-certificate"),
                s.path("ca.ra-key"), s.path("ca.certificate"), s.text("ca.profile", "client"), s.dn("subject.base", s.text("subject.base", null)),
                (int) keyBits, new PassphraseRule((int) s.number("passphrase.min-length", 12L)), s.text("myproxy.host", null),
                (int) s.number("myproxy.port", 7512L), new ProxyLifetimePolicy(Duration.ofHours(defaultHours), Duration.ofHours(maxHours)),
                new PassphraseRule((int) s.number("proxy.storage-passphrase.min-length", 8L)), ac ? s.path("ac.certificate") : null,
                ac ? s.path("ac.key") : null, ac ? s.text("ac.host", null) : null, ac ? (int) s.number("ac.port", 15000L) : 0, mail, management, (int) keyPool);
    }

    private static GridAuthException invalid(Path file, String problem) {
        return new GridAuthException(CertManagerError.CONFIGURATION_INVALID, file, problem);
    }

    private record Settings(Path file, Path base, Properties p) {

        String text(String key, String fallback) {
            String value = p.getProperty(key, fallback);
            if (value == null || value.isBlank()) {
                throw invalid(file, key + " is required");
            }
            return value.trim();
        }

        Path path(String key) {
            return base.resolve(text(key, null));
        }

        Path optionalPath(String key) {
            String value = p.getProperty(key);
            return value == null || value.isBlank() ? null : base.resolve(value.trim());
        }

        long number(String key, Long fallback) {
            String value = text(key, fallback == null ? null : fallback.toString());
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw invalid(file, key + " must be a number, not \"" + value + "\"");
            }
        }

        URI uri(String key) {
            try {
                URI uri = new URI(text(key, null));
                if (!"https".equals(uri.getScheme())) {
                    throw invalid(file, key + " must be an https URL");
                }
                return uri;
            } catch (java.net.URISyntaxException e) {
                throw invalid(file, key + " is not a URL: " + e.getMessage());
            }
        }

        GridDn dn(String key, String value) {
            try {
                return GridDn.parse(value);
            } catch (GridAuthException e) {
                throw invalid(file, key + ": \"" + value + "\" is not a DN");
            }
        }

        InetSocketAddress address(String key, String fallback) {
            String value = text(key, fallback);
            int colon = value.lastIndexOf(':');
            if (colon <= 0) {
                throw invalid(file, key + " must be host:port, not \"" + value + "\"");
            }
            try {
                return new InetSocketAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw invalid(file, key + " must be host:port, not \"" + value + "\"");
            }
        }
    }
}
