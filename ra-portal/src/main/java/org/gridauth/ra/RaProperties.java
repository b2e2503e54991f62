package org.gridauth.ra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The portal's configuration ({@code gridauth.ra.*} in application.yaml), bound and validated at start-up; the
 * cross-field checks (files readable, CN format, rules) are in {@link RaStartupCheck}. Values an operator changes
 * in the console (rules, CN format, limits, recipients) start from these and are then kept in the database.
 *
 * @param baseUrl       public HTTPS base URL browsers use, e.g. {@code https://ra.hpci.example.jp}
 * @param home          directory for the access log and generated files
 * @param signOn        how users sign on: embedded SAML SP or behind a Shibboleth SP
 * @param attributes    which SAML attribute names (or Shibboleth attribute ids) carry the person's attributes
 * @param rules         initial authorization rules (R-RA-5)
 * @param cnFormat      initial CN format (R-RA-4), placeholders in angle brackets
 * @param license       license-ID lifetime and limits (R-RA-2)
 * @param passphrase    private-key and storage passphrase policy
 * @param proxy         proxy lifetimes (R-RA-8)
 * @param certManager   the certificate manager (mTLS)
 * @param ca            the CA's RA link for host and service certificates (R-CA-10)
 * @param myproxy       the MyProxy server researchers use, shown in the myproxy-logon command line
 * @param mail          SMTP for issuance notifications (R-RA-7); host empty: none sent
 * @param recipients    initial notification recipients per ePPN domain ("*" for any other domain)
 * @param fourEyes      host/service approvals need an operator other than the requester
 * @param accessLogFile JSON-lines access log (R-RA-9); default {@code <home>/access.jsonl}
 */
@Validated
@ConfigurationProperties("gridauth.ra")
public record RaProperties(
        @NotBlank @DefaultValue("https://localhost:8443") String baseUrl,
        @NotNull @DefaultValue("${user.home}/.gridauth/ra-portal") Path home,
        @Valid @DefaultValue SignOn signOn,
        @Valid @DefaultValue Attributes attributes,
        @DefaultValue({}) List<Rule> rules,
        @NotBlank @DefaultValue("<givenName> <sn> <hpciId>") String cnFormat,
        @Valid @DefaultValue License license,
        @Valid @DefaultValue Passphrase passphrase,
        @Valid @DefaultValue Proxy proxy,
        @Valid @DefaultValue CertManager certManager,
        @Valid @DefaultValue Ca ca,
        @Valid @DefaultValue MyProxy myproxy,
        @Valid @DefaultValue Mail mail,
        @DefaultValue({}) Map<String, List<String>> recipients,
        @DefaultValue("true") boolean fourEyes,
        Path accessLogFile) {

    private static final String USER_HOME = "${user.home}";

    public RaProperties {
        // Spring Boot does not resolve placeholders in @DefaultValue (found in idp-bridge): resolve it here.
        String text = home == null ? USER_HOME + "/.gridauth/ra-portal" : home.toString();
        home = text.startsWith(USER_HOME) ? Path.of(System.getProperty("user.home") + text.substring(USER_HOME.length())) : home;
    }

    public Path effectiveAccessLogFile() {
        return accessLogFile != null ? accessLogFile : home.resolve("access.jsonl");
    }

    public String base() {
        return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /**
     * @param mode       {@code saml} (embedded SP) or {@code shibboleth} (Apache + mod_shib in front)
     * @param saml       the embedded SP
     * @param shibboleth the trusted local proxy
     */
    public record SignOn(@NotBlank @DefaultValue("saml") String mode, @Valid @DefaultValue Saml saml, @Valid @DefaultValue Shibboleth shibboleth) {
        public boolean shibbolethMode() {
            return "shibboleth".equals(mode);
        }
    }

    /**
     * @param entityId         the SP's entityID; default {@code <baseUrl>/sp}
     * @param idpMetadata      URLs or files of IdP or federation metadata (idp-bridge serves {@code /idp/shibboleth})
     * @param discoveryUrl     the discovery service (idp-bridge {@code /ds}); empty: the only IdP is used directly
     * @param spCertificate    PEM certificate signing AuthnRequests; default: generated under home
     * @param spKey            its unencrypted PEM key
     */
    public record Saml(String entityId, @DefaultValue({}) List<String> idpMetadata, @DefaultValue("") String discoveryUrl, Path spCertificate,
                       Path spKey) {
    }

    /**
     * @param port         loopback HTTP listener Apache proxies to (0: none)
     * @param secretFile   file holding the shared secret Apache sends in {@code headerSecret}
     * @param headerSecret the header carrying the shared secret
     * @param headerPrefix prefix of the attribute headers Apache sets (the Shibboleth attribute id follows)
     * @param trustedAddresses peer addresses attribute headers are accepted from
     */
    public record Shibboleth(@Min(0) @Max(65535) @DefaultValue("0") int port, Path secretFile,
                             @NotBlank @DefaultValue("X-Gridauth-Proxy-Secret") String headerSecret,
                             @NotBlank @DefaultValue("X-Shib-") String headerPrefix,
                             @DefaultValue({"127.0.0.1", "0:0:0:0:0:0:0:1"}) List<String> trustedAddresses) {
    }

    /** SAML attribute Names (or Shibboleth attribute ids) per portal attribute. */
    public record Attributes(
            @NotBlank @DefaultValue("urn:gridauth:attribute:hpciId") String hpciId,
            @NotBlank @DefaultValue("urn:oid:1.3.6.1.4.1.5923.1.1.1.6") String eppn,
            @NotBlank @DefaultValue("urn:oid:2.5.4.42") String givenName,
            @NotBlank @DefaultValue("urn:oid:2.5.4.4") String sn,
            @NotBlank @DefaultValue("urn:oid:0.9.2342.19200300.100.1.3") String mail,
            @NotBlank @DefaultValue("urn:oid:1.3.6.1.4.1.5923.1.1.1.7") String entitlement) {
        public Map<String, String> byPortalName() {
            return Map.of("hpciId", hpciId, "eppn", eppn, "givenName", givenName, "sn", sn, "mail", mail, "entitlement", entitlement);
        }
    }

    /**
     * One authorization rule (R-RA-5): people whose attribute passes the test get the role.
     *
     * @param role      RESEARCHER, HOST_ADMIN, OPERATOR or AUDITOR
     * @param attribute portal attribute name (hpciId, eppn, givenName, sn, mail, entitlement)
     * @param test      present, equals, contains (substring of one value), suffix
     * @param value     the value compared (not used by present)
     */
    public record Rule(String role, String attribute, String test, String value) {
    }

    public record License(@NotNull @DefaultValue("7d") Duration lifetime, @Min(1) @DefaultValue("5") int maxTotal,
                          @Min(1) @DefaultValue("1") int maxHeld, @NotNull @DefaultValue("30d") Duration renewalWindow) {
    }

    public record Passphrase(@Min(8) @DefaultValue("12") int minLength, @Min(8) @DefaultValue("8") int storageMinLength,
                             @Min(16) @DefaultValue("1024") int maxLength) {
    }

    public record Proxy(@Min(1) @DefaultValue("168") int defaultHours, @Min(1) @DefaultValue("168") int maxHours) {
    }

    /**
     * @param url            https://cm.example.org:8444
     * @param certificate    the portal's client certificate (PEM)
     * @param key            its unencrypted PEM key
     * @param trust          PEM CA certificates the certificate manager's and CA's TLS certificates chain to
     * @param timeout        per request
     */
    public record CertManager(@DefaultValue("") String url, Path certificate, Path key, Path trust, @NotNull @DefaultValue("60s") Duration timeout) {
    }

    /** The CA's RA link (https://ca:11412), with the portal's client certificate (the CA must list it as an RA). */
    public record Ca(@DefaultValue("") String url, @DefaultValue("host") String hostProfile, @DefaultValue("service") String serviceProfile) {
    }

    public record MyProxy(@DefaultValue("localhost") String host, @Min(1) @DefaultValue("7512") int port) {
    }

    public record Mail(@DefaultValue("") String host, @DefaultValue("25") int port, @DefaultValue("ra-portal@localhost") String from) {
    }
}
