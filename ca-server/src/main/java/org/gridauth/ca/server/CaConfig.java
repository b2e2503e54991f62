package org.gridauth.ca.server;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.gridauth.ca.CaError;
import org.gridauth.ca.policy.CrlSchedule;
import org.gridauth.ca.token.Pkcs11Config;
import org.gridauth.gsi.error.GridAuthException;

/**
 * The CA's configuration file ({@code ca.conf}, Java properties syntax, UTF-8), read and checked completely at
 * start-up so that a mistake stops the CA before it signs anything. Secrets are never in this file: it names
 * files that hold them. Keys are documented in the manual's CA chapter.
 */
public record CaConfig(Path source, String databaseUrl, String databaseUser, Path databasePasswordFile,
                       Pkcs11Config pkcs11, Path pinFile, String keyLabel, Path softwareKey, Path softwareKeyPassphraseFile,
                       List<String> namespace, URI crlUrl, URI ocspUrl, URI caIssuersUrl, List<String> policyOids,
                       Path publishDir, CrlSchedule crl, InetSocketAddress raListen, Path raCertificates,
                       Path tlsCertificate, Path tlsKey, InetSocketAddress httpListen, InetSocketAddress httpsListen,
                       Path ocspCredentialDir, String alias, String email, String status, Path cps) {

    private static final Set<String> KNOWN = Set.of("database.url", "database.user", "database.password-file",
            "key.pkcs11.library", "key.pkcs11.slot", "key.pkcs11.pin-file", "key.label", "key.pkcs12", "key.pkcs12.passphrase-file",
            "namespace", "crl.url", "ocsp.url", "ca-issuers.url", "policy.oids", "publish.dir", "crl.validity-days",
            "crl.reissue-days", "crl.on-revocation", "ra.listen", "ra.certificates", "tls.certificate", "tls.key",
            "repository.http", "repository.https", "ocsp.credential-dir", "info.alias", "info.email", "info.status", "cps");

    public static CaConfig load(Path file) {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
        } catch (IOException e) {
            throw new GridAuthException(CaError.CONFIGURATION_INVALID, e, file, "cannot read it: " + e.getMessage());
        }
        for (String key : p.stringPropertyNames()) {
            if (!KNOWN.contains(key)) {
                throw invalid(file, "unknown setting \"" + key + "\"");
            }
        }
        Path base = file.toAbsolutePath().getParent();
        Settings r = new Settings(file, base, p);
        Pkcs11Config pkcs11 = null;
        if (p.getProperty("key.pkcs11.library") != null) {
            pkcs11 = new Pkcs11Config(r.path("key.pkcs11.library"), r.number("key.pkcs11.slot", null));
            if (p.getProperty("key.pkcs12") != null) {
                throw invalid(file, "key.pkcs11.* and key.pkcs12 exclude each other");
            }
        } else if (p.getProperty("key.pkcs12") == null) {
            throw invalid(file, "either key.pkcs11.library (HSM) or key.pkcs12 (embedded demo only) is required");
        }
        return new CaConfig(file,
                r.text("database.url", null), p.getProperty("database.user"), r.optionalPath("database.password-file"),
                pkcs11, pkcs11 == null ? null : r.path("key.pkcs11.pin-file"), p.getProperty("key.label", "ca"),
                r.optionalPath("key.pkcs12"), p.getProperty("key.pkcs12") == null ? null : r.path("key.pkcs12.passphrase-file"),
                patterns(r.text("namespace", null)),
                r.uri("crl.url", true), r.uri("ocsp.url", false), r.uri("ca-issuers.url", false),
                p.getProperty("policy.oids", "").isBlank() ? List.of() : Arrays.asList(p.getProperty("policy.oids").trim().split("[\\s,]+")),
                r.path("publish.dir"),
                new CrlSchedule(Duration.ofDays(r.number("crl.validity-days", 30L)), Duration.ofDays(r.number("crl.reissue-days", 7L)),
                        Boolean.parseBoolean(p.getProperty("crl.on-revocation", "true"))),
                r.address("ra.listen", "0.0.0.0:11412"), r.optionalPath("ra.certificates"),
                r.optionalPath("tls.certificate"), r.optionalPath("tls.key"),
                r.address("repository.http", "0.0.0.0:80"), r.address("repository.https", "0.0.0.0:443"),
                r.optionalPath("ocsp.credential-dir"),
                p.getProperty("info.alias", "gridauth-ca"), p.getProperty("info.email"), p.getProperty("info.status", "experimental"),
                r.optionalPath("cps"));
    }

    /** One pattern as is, or several in double quotes as in a signing_policy's cond_subjects. */
    private static List<String> patterns(String value) {
        if (!value.startsWith("\"")) {
            return List.of(value);
        }
        java.util.regex.Matcher quoted = java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(value);
        List<String> patterns = new java.util.ArrayList<>();
        while (quoted.find()) {
            patterns.add(quoted.group(1));
        }
        return patterns;
    }

    private static GridAuthException invalid(Path file, String why) {
        return new GridAuthException(CaError.CONFIGURATION_INVALID, file, why);
    }

    /** Typed access to the properties, relative paths resolved against the file's directory. */
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

        URI uri(String key, boolean required) {
            String value = required ? text(key, null) : p.getProperty(key);
            if (value == null || value.isBlank()) {
                return null;
            }
            try {
                URI uri = new URI(value.trim());
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                    throw invalid(file, key + " must be an http or https URL");
                }
                return uri;
            } catch (java.net.URISyntaxException e) {
                throw invalid(file, key + " is not a URL: " + e.getMessage());
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
