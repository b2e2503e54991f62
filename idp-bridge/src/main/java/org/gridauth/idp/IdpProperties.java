package org.gridauth.idp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * The IdP's configuration ({@code gridauth.idp.*} in application.yaml), validated at start-up.
 *
 * @param baseUrl            public base URL as browsers reach the IdP, e.g. {@code https://idp.hpci.example.jp}
 * @param entityId           SAML entityID; default {@code <baseUrl>/idp/shibboleth}
 * @param scope              the security domain of ePPNs and shibmd:Scope
 * @param home               directory for generated files (signing key, persistent-ID salt)
 * @param signingCertificate PEM certificate; default {@code <home>/idp-signing.crt}, generated with the key if both are absent
 * @param signingKey         unencrypted PEM key; default {@code <home>/idp-signing.key}
 * @param spMetadata         SAML metadata files of the SPs served
 * @param releasePolicy      YAML attribute release policy; default: the bundled one
 * @param ldap               the directory
 * @param throttle           failed-login limits
 * @param maxRequestBytes    largest encoded AuthnRequest accepted
 * @param discovery          the discovery service
 * @param displayNameEn      mdui:DisplayName in English (the name users see in discovery services)
 * @param displayNameJa      mdui:DisplayName in Japanese
 * @param encryptAssertions  encrypt assertions to SPs whose metadata has an encryption key
 * @param auditFile          structured audit records (JSON lines); default {@code <home>/audit.jsonl}
 */
@Validated
@ConfigurationProperties("gridauth.idp")
public record IdpProperties(
        @NotBlank @DefaultValue("http://localhost:8480") String baseUrl,
        String entityId,
        @NotBlank @DefaultValue("hpci.example.jp") String scope,
        @NotNull @DefaultValue("${user.home}/.gridauth/idp") Path home,
        Path signingCertificate,
        Path signingKey,
        @DefaultValue({}) List<Path> spMetadata,
        Path releasePolicy,
        @Valid @DefaultValue Ldap ldap,
        @Valid @DefaultValue Throttle throttle,
        @Min(1024) @DefaultValue("65536") int maxRequestBytes,
        @Valid @DefaultValue Discovery discovery,
        @NotBlank @DefaultValue("HPCI Account IdP") String displayNameEn,
        @NotBlank @DefaultValue("HPCI アカウント IdP") String displayNameJa,
        @DefaultValue("true") boolean encryptAssertions,
        Path auditFile) {

    private static final String USER_HOME = "${user.home}";

    public IdpProperties {
        // Spring Boot converts @DefaultValue text without resolving placeholders: unresolved, the default home became
        // a directory literally named "${user.home}" under the working directory, holding the signing key.
        home = resolveUserHome(home);
    }

    static Path resolveUserHome(Path home) {
        String text = home == null ? USER_HOME + "/.gridauth/idp" : home.toString();
        return text.startsWith(USER_HOME) ? Path.of(System.getProperty("user.home") + text.substring(USER_HOME.length())) : home;
    }

    /** Where structured audit records (one JSON object per line) go; default {@code <home>/audit.jsonl}. */
    public Path effectiveAuditFile() {
        return auditFile != null ? auditFile : home.resolve("audit.jsonl");
    }

    public String effectiveEntityId() {
        return entityId == null || entityId.isBlank() ? stripSlash(baseUrl) + "/idp/shibboleth" : entityId;
    }

    public Path effectiveSigningCertificate() {
        return signingCertificate != null ? signingCertificate : home.resolve("idp-signing.crt");
    }

    public Path effectiveSigningKey() {
        return signingKey != null ? signingKey : home.resolve("idp-signing.key");
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * @param url                 LDAP URL; empty means the embedded directory
     * @param startTls            StartTLS on ldap://
     * @param baseDn              search base for users
     * @param userFilter          filter with {user}
     * @param searchBindDn        DN for searches (empty: anonymous)
     * @param searchPasswordFile  file holding that DN's password
     * @param poolSize            connections per pool
     * @param timeout             connect/response timeout
     * @param poolIdleTime        a pooled connection unused this long is closed (down to one per pool)
     * @param embeddedSuffix      naming context of the embedded directory
     * @param embeddedLdif        LDIF loaded into the embedded directory; default the bundled demo accounts
     * @param embeddedPort        loopback port of the embedded directory (0: any free port)
     * @param embeddedStateFile   LDIF file the embedded directory is loaded from when it exists and written to after
     *                            each change (so accounts changed with the admin command survive a restart); empty: none
     * @param trustCertificates   PEM file of the CA certificate(s) the directory's TLS certificate must chain to
     *                            (ldaps:// and StartTLS); default: the Java runtime's trust store
     * @param attributeDirectory  a second directory the attributes (and account state) are read from; the password is
     *                            still checked in this one. Empty url: attributes come from this directory
     */
    public record Ldap(
            @DefaultValue("") String url,
            @DefaultValue("false") boolean startTls,
            @NotBlank @DefaultValue("ou=people,dc=hpci,dc=example,dc=jp") String baseDn,
            @NotBlank @DefaultValue("(uid={user})") String userFilter,
            @DefaultValue("") String searchBindDn,
            Path searchPasswordFile,
            @Min(1) @DefaultValue("16") int poolSize,
            @NotNull @DefaultValue("5s") Duration timeout,
            @NotNull @DefaultValue("2m") Duration poolIdleTime,
            @NotBlank @DefaultValue("dc=hpci,dc=example,dc=jp") String embeddedSuffix,
            Path embeddedLdif,
            @Min(0) @DefaultValue("0") int embeddedPort,
            Path embeddedStateFile,
            Path trustCertificates,
            @Valid @DefaultValue AttributeDirectory attributeDirectory) {
    }

    /**
     * The attribute directory (R-IDP-1: authentication DB and attribute DB apart).
     *
     * @param url                LDAP URL; empty: none
     * @param startTls           StartTLS on ldap://
     * @param baseDn             search base for users
     * @param userFilter         filter with {user}, the name the user signed in with
     * @param searchBindDn       DN for searches (empty: anonymous)
     * @param searchPasswordFile file holding that DN's password
     * @param trustCertificates  PEM CA certificate(s) for its TLS certificate; default: the Java runtime's trust store
     */
    public record AttributeDirectory(
            @DefaultValue("") String url,
            @DefaultValue("false") boolean startTls,
            @DefaultValue("") String baseDn,
            @NotBlank @DefaultValue("(uid={user})") String userFilter,
            @DefaultValue("") String searchBindDn,
            Path searchPasswordFile,
            Path trustCertificates) {
    }

    /**
     * @param maxPerAccount failures per user name within the window
     * @param maxPerAddress failures per client address within the window
     * @param window        how long a failure counts
     */
    public record Throttle(
            @Min(1) @DefaultValue("5") int maxPerAccount,
            @Min(1) @DefaultValue("50") int maxPerAddress,
            @NotNull @DefaultValue("15m") Duration window) {
    }

    /**
     * @param metadata             federation metadata files listing IdPs (and SPs); empty: this IdP is the only one offered
     * @param entityAttributeName  entity attribute selecting the IdPs offered (R-DS-1: HPCI account IdPs)
     * @param entityAttributeValue its required value
     * @param idps                 IdP entityIDs offered in any case
     * @param rememberDays         how long the choice is remembered and the list skipped
     * @param metadataUrl          federation aggregate fetched on a schedule (in addition to {@code metadata} files)
     * @param metadataCertificate  PEM certificate the aggregate must be signed with
     * @param metadataBackingFile  where the last good copy is kept; default {@code <home>/federation-metadata.xml}
     * @param minRefresh           shortest interval between fetches
     * @param maxRefresh           longest interval (cacheDuration and validUntil can make it shorter)
     * @param serveFederationSps   the SPs of the fetched aggregate are served by the IdP too (not only known to the DS)
     */
    public record Discovery(
            @DefaultValue({}) List<Path> metadata,
            @DefaultValue("http://macedir.org/entity-category") String entityAttributeName,
            @DefaultValue("https://gridauth.example/category/hpci-account-idp") String entityAttributeValue,
            @DefaultValue({}) List<String> idps,
            @Min(0) @DefaultValue("30") int rememberDays,
            java.net.URI metadataUrl,
            Path metadataCertificate,
            Path metadataBackingFile,
            @NotNull @DefaultValue("10m") Duration minRefresh,
            @NotNull @DefaultValue("4h") Duration maxRefresh,
            @DefaultValue("true") boolean serveFederationSps) {
    }
}
