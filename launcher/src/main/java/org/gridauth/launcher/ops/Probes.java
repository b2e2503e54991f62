package org.gridauth.launcher.ops;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.gss.DelegationMode;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsissh.client.GsiSshClient;
import org.gridauth.myproxy.client.MyProxyClient;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The health probes of 'gridauth check' (R-OP-2). Each talks to a service the way its users do (HTTP for the
 * repository and the IdP, the MyProxy protocol, a GSI-SSH login), and never lets a secret into its message.
 */
public final class Probes {

    private static final String MD = "urn:oasis:names:tc:SAML:2.0:metadata";
    private static final String DS = "http://www.w3.org/2000/09/xmldsig#";

    private final CheckTargets targets;
    private final Clock clock;
    private final HttpClient http;

    public Probes(CheckTargets targets, Clock clock) {
        this.targets = targets;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(GridTrust.withSystemRoots(targets.trustDir())).build();
    }

    /** Every probe, in an order where the gateway login can use the proxy MyProxy gave. */
    public List<CheckResult> all() {
        List<CheckResult> results = new ArrayList<>();
        results.add(caRepository());
        Holder<Credential> proxy = new Holder<>();
        results.add(myProxy(proxy));
        results.add(idpMetadata());
        if (targets.portal() != null) {
            results.add(portal());
        }
        results.add(gateway(proxy.value));
        return results;
    }

    /** CA repository reachable; its CRL signed by the CA and fresh (R-CA-5). */
    public CheckResult caRepository() {
        Instant start = clock.instant();
        String name = "ca_crl";
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(targets.caRepository().resolve("/crl.der"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return CheckResult.of(name, CheckStatus.CRITICAL, "CA repository answered " + response.statusCode() + " for /crl.der", took(start));
            }
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(response.body()));
            X509Certificate ca = CredentialFiles.readCertificates(targets.caCertificate()).get(0);
            crl.verify(ca.getPublicKey());
            Instant next = crl.getNextUpdate().toInstant();
            Duration left = Duration.between(clock.instant(), next);
            Map<String, Double> gauges = Map.of("crl_next_update_seconds", (double) left.toSeconds(), "crl_entries",
                    (double) (crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size()));
            CheckStatus status = left.isNegative() ? CheckStatus.CRITICAL : left.compareTo(targets.crlWarning()) < 0 ? CheckStatus.WARNING : CheckStatus.OK;
            String message = (left.isNegative() ? "CRL expired at " : "CRL valid until ") + next + " (" + (crl.getRevokedCertificates() == null
                    ? 0 : crl.getRevokedCertificates().size()) + " entries)";
            return new CheckResult(name, status, message, took(start), gauges);
        } catch (GeneralSecurityException e) {
            return CheckResult.of(name, CheckStatus.CRITICAL, "the CRL is not a valid CRL signed by the CA: " + e.getMessage(), took(start));
        } catch (IOException e) {
            return CheckResult.of(name, CheckStatus.CRITICAL, "CA repository " + targets.caRepository() + " unreachable: " + e.getMessage(), took(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.of(name, CheckStatus.UNKNOWN, "interrupted", took(start));
        } catch (RuntimeException e) {
            return CheckResult.of(name, CheckStatus.UNKNOWN, e.getMessage(), took(start));
        }
    }

    /** MyProxy GET of the probe credential works and returns a proxy that validates. */
    CheckResult myProxy(Holder<Credential> proxy) {
        Instant start = clock.instant();
        String name = "myproxy_get";
        char[] passphrase = null;
        try (ChainValidator validator = ChainValidator.strict(targets.trustDir())) {
            passphrase = firstLine(targets.probePassphrase());
            Credential credential = new MyProxyClient(validator, Duration.ofSeconds(20)).get(targets.myProxyHost(), targets.myProxyPort(),
                    targets.probeUser(), passphrase, Duration.ofHours(1));
            validator.validateOrThrow(credential.chain());
            proxy.value = credential;
            return CheckResult.of(name, CheckStatus.OK, "GET as " + targets.probeUser() + " gave a proxy of " + credential.subject().toOpenSsl(),
                    took(start));
        } catch (MyProxyClient.Refused e) {
            return CheckResult.of(name, CheckStatus.CRITICAL, "MyProxy refused the probe GET: " + e.getMessage(), took(start));
        } catch (IOException e) {
            return CheckResult.of(name, CheckStatus.CRITICAL, "MyProxy at " + targets.myProxyHost() + ":" + targets.myProxyPort() + " failed: "
                    + e.getMessage(), took(start));
        } catch (RuntimeException e) {
            return CheckResult.of(name, CheckStatus.CRITICAL, e.getMessage(), took(start));
        } finally {
            if (passphrase != null) {
                CredentialFiles.wipe(passphrase);
            }
        }
    }

    /** The IdP's metadata is well-formed SAML metadata of an IdP, not past validUntil, its signing certificate not expiring. */
    public CheckResult idpMetadata() {
        Instant start = clock.instant();
        String name = "idp_metadata";
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(targets.idpMetadata()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return CheckResult.of(name, CheckStatus.CRITICAL, "IdP metadata answered " + response.statusCode(), took(start));
            }
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(response.body()));
            Element root = document.getDocumentElement();
            if (!MD.equals(root.getNamespaceURI()) || root.getElementsByTagNameNS(MD, "IDPSSODescriptor").getLength() == 0) {
                return CheckResult.of(name, CheckStatus.CRITICAL, "the metadata holds no IDPSSODescriptor", took(start));
            }
            CheckStatus status = CheckStatus.OK;
            StringBuilder message = new StringBuilder("entityID ").append(root.getAttribute("entityID"));
            if (!root.getAttribute("validUntil").isEmpty()) {
                Instant until = Instant.parse(root.getAttribute("validUntil"));
                if (until.isBefore(clock.instant())) {
                    status = CheckStatus.CRITICAL;
                    message.append("; validUntil ").append(until).append(" has passed");
                }
            }
            Optional<Instant> earliest = signingCertificates(root).stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo);
            if (earliest.isEmpty()) {
                return CheckResult.of(name, CheckStatus.CRITICAL, message + "; no signing certificate in the metadata", took(start));
            }
            Duration left = Duration.between(clock.instant(), earliest.get());
            message.append("; signing certificate valid until ").append(earliest.get());
            if (left.isNegative()) {
                status = CheckStatus.CRITICAL;
            } else if (left.compareTo(targets.certificateWarning()) < 0) {
                status = status.worse(CheckStatus.WARNING);
            }
            return new CheckResult(name, status, message.toString(), took(start), Map.of("idp_signing_certificate_seconds", (double) left.toSeconds()));
        } catch (IOException e) {
            return CheckResult.of(name, CheckStatus.CRITICAL, "IdP metadata " + targets.idpMetadata() + " unreachable: " + e.getMessage(), took(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.of(name, CheckStatus.UNKNOWN, "interrupted", took(start));
        } catch (Exception e) {
            return CheckResult.of(name, CheckStatus.CRITICAL, "the IdP metadata is not valid: " + e.getMessage(), took(start));
        }
    }

    private static List<X509Certificate> signingCertificates(Element root) throws GeneralSecurityException {
        List<X509Certificate> certificates = new ArrayList<>();
        NodeList keys = root.getElementsByTagNameNS(MD, "KeyDescriptor");
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        for (int i = 0; i < keys.getLength(); i++) {
            Element key = (Element) keys.item(i);
            if (!key.getAttribute("use").isEmpty() && !"signing".equals(key.getAttribute("use"))) {
                continue;
            }
            NodeList values = key.getElementsByTagNameNS(DS, "X509Certificate");
            for (int j = 0; j < values.getLength(); j++) {
                byte[] der = Base64.getMimeDecoder().decode(values.item(j).getTextContent().strip());
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        }
        return certificates;
    }

    /** The portal answers its health page with 200. */
    public CheckResult portal() {
        Instant start = clock.instant();
        String name = "portal";
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(targets.portal()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return CheckResult.of(name, response.statusCode() == 200 ? CheckStatus.OK : CheckStatus.CRITICAL,
                    "portal " + targets.portal() + " answered " + response.statusCode(), took(start));
        } catch (IOException e) {
            return CheckResult.of(name, CheckStatus.CRITICAL, "portal " + targets.portal() + " unreachable: " + e.getMessage(), took(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.of(name, CheckStatus.UNKNOWN, "interrupted", took(start));
        }
    }

    /** A GSI-SSH login with the probe proxy runs 'true' on the gateway as the mapped account. */
    CheckResult gateway(Credential proxy) {
        Instant start = clock.instant();
        String name = "gsissh_login";
        if (proxy == null) {
            return CheckResult.of(name, CheckStatus.UNKNOWN, "no probe proxy (the MyProxy probe failed)", took(start));
        }
        Path file = null;
        try {
            file = Files.createTempFile("gridauth-check", ".pem");
            CredentialFiles.writeProxy(file, proxy);
            try (GsiSshClient client = new GsiSshClient(new GsiSshClient.Options(file, targets.trustDir(), DelegationMode.NONE, null,
                    Duration.ofSeconds(30)))) {
                GsiSshClient.Result result = client.exec(targets.gatewayHost(), targets.gatewayPort(), targets.gatewayAccount(), "true");
                return CheckResult.of(name, result.exitStatus() == 0 ? CheckStatus.OK : CheckStatus.CRITICAL, "login as " + targets.gatewayAccount()
                        + "@" + targets.gatewayHost() + ":" + targets.gatewayPort() + " ran 'true' with exit status " + result.exitStatus(), took(start));
            }
        } catch (Exception e) {
            return CheckResult.of(name, CheckStatus.CRITICAL, "GSI-SSH login to " + targets.gatewayHost() + ":" + targets.gatewayPort() + " failed: "
                    + e.getMessage(), took(start));
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a temporary proxy of a one-hour probe credential; the OS cleans /tmp
                }
            }
        }
    }

    private Duration took(Instant start) {
        return Duration.between(start, clock.instant());
    }

    private static char[] firstLine(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip().toCharArray();
    }

    /** A value the MyProxy probe hands to the gateway probe. */
    static final class Holder<T> {
        T value;
    }
}
