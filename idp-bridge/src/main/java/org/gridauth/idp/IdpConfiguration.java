package org.gridauth.idp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.policy.AttributeDefinitions;
import org.gridauth.idp.policy.LoginThrottle;
import org.gridauth.idp.policy.PersistentIds;
import org.gridauth.idp.policy.ReleasePolicy;
import org.gridauth.idp.policy.RequestFreshness;
import org.gridauth.idp.policy.IdpSelection;
import org.gridauth.idp.protocol.AuthnRequestDecoder;
import org.gridauth.idp.protocol.FederationMetadata;
import org.gridauth.idp.protocol.IdpEntry;
import org.gridauth.idp.protocol.IdpMetadata;
import org.gridauth.idp.service.DiscoveryCatalog;
import org.gridauth.idp.service.MetadataRefresher;
import org.gridauth.idp.protocol.IdpEndpoints;
import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.protocol.ResponseFactory;
import org.gridauth.idp.protocol.SigningKeys;
import org.gridauth.idp.protocol.SpRegistry;
import org.gridauth.idp.service.LoginService;
import org.gridauth.idp.service.SsoService;
import org.gridauth.idp.store.Directory;
import org.gridauth.idp.store.EmbeddedDirectoryServer;
import org.gridauth.idp.store.LdapDirectory;
import org.gridauth.idp.store.LdapSettings;
import org.gridauth.idp.store.ReplayCache;
import org.opensaml.security.x509.BasicX509Credential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the IdP from {@link IdpProperties}; everything is checked here, at start-up, not at the first login. */
@Configuration(proxyBeanMethods = false)
public class IdpConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(IdpConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Structured audit records (JSON lines) besides the audit log lines. */
    @Bean(destroyMethod = "close")
    org.gridauth.idp.service.Audit.Sink auditSink(IdpProperties properties) throws IOException {
        return org.gridauth.idp.service.Audit.writeTo(properties.effectiveAuditFile());
    }

    @Bean
    IdpEndpoints idpEndpoints(IdpProperties properties) {
        OpenSaml.init();
        return new IdpEndpoints(properties.effectiveEntityId(), properties.baseUrl(), properties.scope());
    }

    @Bean
    BasicX509Credential idpSigningCredential(IdpProperties properties, Clock clock) {
        OpenSaml.init();
        String host = java.net.URI.create(properties.baseUrl()).getHost();
        return SigningKeys.loadOrGenerate(properties.effectiveSigningCertificate(), properties.effectiveSigningKey(),
                host == null ? "idp" : host, clock);
    }

    @Bean
    String idpMetadataXml(IdpEndpoints endpoints, BasicX509Credential idpSigningCredential, IdpProperties properties) {
        java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
        names.put("en", properties.displayNameEn());
        names.put("ja", properties.displayNameJa());
        return OpenSaml.toXml(IdpMetadata.build(endpoints, idpSigningCredential, names));
    }

    @Bean
    DiscoveryCatalog discoveryCatalog(IdpProperties properties, SpRegistry spRegistry, IdpEndpoints endpoints,
                                      @org.springframework.beans.factory.annotation.Qualifier("idpMetadataXml") String idpMetadataXml)
            throws IOException {
        IdpProperties.Discovery ds = properties.discovery();
        java.util.List<IdpEntry> idps = new java.util.ArrayList<>();
        java.util.List<String> listed = new java.util.ArrayList<>(ds.idps());
        SpRegistry sps = spRegistry;
        for (Path file : ds.metadata()) {
            byte[] xml = Files.readAllBytes(file);
            idps.addAll(FederationMetadata.idps(xml, file.toString()));
            sps = sps.with(new SpRegistry(SpRegistry.fromXml(xml, file.toString())));
        }
        if (ds.metadata().isEmpty()) {
            // Embedded default: this IdP is the one HPCI account IdP on offer.
            idps.addAll(FederationMetadata.idps(idpMetadataXml.getBytes(StandardCharsets.UTF_8), "own metadata"));
            listed.add(endpoints.entityId());
        }
        LOG.info("discovery service: {} IdPs in metadata files, remember the choice {} days", idps.size(), ds.rememberDays());
        return new DiscoveryCatalog(idps, new IdpSelection(ds.entityAttributeName(), ds.entityAttributeValue(), listed), sps,
                ds.rememberDays());
    }

    /** Scheduled federation metadata for the discovery service, when {@code discovery.metadata-url} is set. */
    @Bean(destroyMethod = "close")
    MetadataRefresher federationMetadata(IdpProperties properties, DiscoveryCatalog catalog, SpRegistry spRegistry,
                                         org.gridauth.idp.service.ServedSps servedSps, Clock clock)
            throws IOException {
        IdpProperties.Discovery ds = properties.discovery();
        if (ds.metadataUrl() == null) {
            return null;
        }
        if (ds.metadataCertificate() == null) {
            throw new GridAuthException(IdpError.BAD_CONFIGURATION, "gridauth.idp.discovery.metadata-certificate is required with metadata-url");
        }
        java.security.cert.X509Certificate certificate = org.gridauth.gsi.credential.CredentialFiles.readCertificates(ds.metadataCertificate()).get(0);
        java.util.List<IdpEntry> baseIdps = new java.util.ArrayList<>();
        SpRegistry baseSps = spRegistry;
        for (Path file : ds.metadata()) {
            byte[] xml = Files.readAllBytes(file);
            baseIdps.addAll(FederationMetadata.idps(xml, file.toString()));
            baseSps = baseSps.with(new SpRegistry(SpRegistry.fromXml(xml, file.toString())));
        }
        SpRegistry staticSps = baseSps;
        Path backing = ds.metadataBackingFile() != null ? ds.metadataBackingFile() : properties.home().resolve("federation-metadata.xml");
        MetadataRefresher refresher = new MetadataRefresher(ds.metadataUrl(), backing, certificate, ds.minRefresh(), ds.maxRefresh(), clock,
                xml -> {
                    java.util.List<IdpEntry> all = new java.util.ArrayList<>(baseIdps);
                    all.addAll(FederationMetadata.idps(xml, ds.metadataUrl().toString()));
                    SpRegistry federationSps = new SpRegistry(SpRegistry.fromXml(xml, ds.metadataUrl().toString()));
                    catalog.replace(all, staticSps.with(federationSps));
                    if (ds.serveFederationSps()) {
                        servedSps.federation(federationSps);
                        LOG.info("serving {} SPs of the federation aggregate besides the {} configured", federationSps.all().size(),
                                spRegistry.all().size());
                    }
                });
        refresher.start();
        return refresher;
    }

    @Bean
    SpRegistry spRegistry(IdpProperties properties) {
        OpenSaml.init();
        SpRegistry registry = SpRegistry.fromFiles(properties.spMetadata());
        LOG.info("serving {} SPs from {}", registry.all().size(), properties.spMetadata());
        return registry;
    }

    /** The SPs SSO and logout serve: the configured ones, plus the federation aggregate's (see federationMetadata). */
    @Bean
    org.gridauth.idp.service.ServedSps servedSps(SpRegistry spRegistry) {
        return new org.gridauth.idp.service.ServedSps(spRegistry);
    }

    @Bean
    ReleasePolicy releasePolicy(IdpProperties properties) throws IOException {
        String yaml;
        String source;
        if (properties.releasePolicy() != null) {
            source = properties.releasePolicy().toString();
            yaml = Files.readString(properties.releasePolicy());
        } else {
            source = "classpath:attribute-release.yaml";
            try (InputStream in = IdpConfiguration.class.getResourceAsStream("/attribute-release.yaml")) {
                yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        ReleasePolicy policy = ReleasePolicy.parse(yaml, source);
        policy.warnings().forEach(LOG::warn);
        return policy;
    }

    @Bean(destroyMethod = "close")
    EmbeddedDirectoryServer embeddedDirectory(IdpProperties properties) throws IOException {
        if (!properties.ldap().url().isBlank()) {
            return null;
        }
        Path ldif = properties.ldap().embeddedLdif();
        Path adminPasswordFile = properties.home().resolve("embedded-directory-admin.password");
        if (!Files.exists(adminPasswordFile)) {
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            Files.createDirectories(properties.home());
            AtomicFiles.write(adminPasswordFile, java.util.HexFormat.of().formatHex(secret).getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_READ_WRITE);
        }
        EmbeddedDirectoryServer.Admin admin = new EmbeddedDirectoryServer.Admin(embeddedAdminDn(properties),
                Files.readString(adminPasswordFile).strip().toCharArray());
        try (InputStream in = ldif != null ? Files.newInputStream(ldif) : IdpConfiguration.class.getResourceAsStream("/demo-accounts.ldif")) {
            EmbeddedDirectoryServer server = EmbeddedDirectoryServer.start(properties.ldap().embeddedSuffix(), properties.ldap().embeddedPort(), in,
                    admin, properties.ldap().embeddedStateFile());
            LOG.info("embedded directory {} on {} loaded from {}", properties.ldap().embeddedSuffix(), server.url(),
                    ldif != null ? ldif : "the bundled demo accounts");
            return server;
        }
    }

    /** The embedded directory's administrator (password in {@code <home>/embedded-directory-admin.password}), for the account command. */
    public static String embeddedAdminDn(IdpProperties properties) {
        return "cn=admin," + properties.ldap().embeddedSuffix();
    }

    @Bean(destroyMethod = "close")
    Directory directory(IdpProperties properties, ObjectProvider<EmbeddedDirectoryServer> embedded) throws IOException {
        IdpProperties.Ldap ldap = properties.ldap();
        EmbeddedDirectoryServer server = embedded.getIfAvailable();
        String url = ldap.url().isBlank() ? server.url() : ldap.url();
        LdapSettings authentication = new LdapSettings(url, ldap.startTls(), ldap.baseDn(), ldap.userFilter(),
                ldap.searchBindDn().isBlank() ? null : ldap.searchBindDn(),
                password(ldap.searchBindDn(), ldap.searchPasswordFile(), "gridauth.idp.ldap"), AttributeDefinitions.ldapAttributes(),
                ldap.poolSize(), ldap.timeout(), trust(ldap.trustCertificates()), ldap.poolIdleTime());
        IdpProperties.AttributeDirectory a = ldap.attributeDirectory();
        LdapSettings attributes = null;
        if (!a.url().isBlank()) {
            if (a.baseDn().isBlank()) {
                throw new GridAuthException(IdpError.BAD_CONFIGURATION, "gridauth.idp.ldap.attribute-directory.base-dn is required with its url");
            }
            attributes = new LdapSettings(a.url(), a.startTls(), a.baseDn(), a.userFilter(), a.searchBindDn().isBlank() ? null : a.searchBindDn(),
                    password(a.searchBindDn(), a.searchPasswordFile(), "gridauth.idp.ldap.attribute-directory"),
                    AttributeDefinitions.ldapAttributes(), ldap.poolSize(), ldap.timeout(), trust(a.trustCertificates()), ldap.poolIdleTime());
            LOG.info("passwords checked in {}, attributes read from {}", url, a.url());
        }
        return new LdapDirectory(authentication, attributes);
    }

    /** Open directory connections as a gauge ({@code gridauth_idp_ldap_connections}): a pool that never shrinks shows here. */
    @Bean
    io.micrometer.core.instrument.binder.MeterBinder directoryConnections(Directory directory) {
        return registry -> {
            if (directory instanceof LdapDirectory ldap) {
                io.micrometer.core.instrument.Gauge.builder("gridauth.idp.ldap.connections", ldap, LdapDirectory::openConnections)
                        .description("connections open to the directories, in use or idle in the pools").register(registry);
            }
        };
    }

    private static char[] password(String bindDn, Path file, String prefix) throws IOException {
        if (bindDn.isBlank()) {
            return null;
        }
        if (file == null) {
            throw new GridAuthException(IdpError.BAD_CONFIGURATION, prefix + ".search-password-file is required with search-bind-dn");
        }
        return Files.readString(file).strip().toCharArray();
    }

    private static java.util.List<java.security.cert.X509Certificate> trust(Path pem) {
        if (pem == null) {
            return null;
        }
        java.util.List<java.security.cert.X509Certificate> certificates = org.gridauth.gsi.credential.CredentialFiles.readCertificates(pem);
        if (certificates.isEmpty()) {
            throw new GridAuthException(IdpError.BAD_CONFIGURATION, pem + " holds no CA certificate");
        }
        return certificates;
    }

    @Bean
    PersistentIds persistentIds(IdpProperties properties) throws IOException {
        Path saltFile = properties.home().resolve("persistent-id.salt");
        if (!Files.exists(saltFile)) {
            byte[] salt = new byte[32];
            new SecureRandom().nextBytes(salt);
            AtomicFiles.write(saltFile, java.util.HexFormat.of().formatHex(salt).getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_READ_WRITE);
            Arrays.fill(salt, (byte) 0);
        }
        byte[] salt = java.util.HexFormat.of().parseHex(Files.readString(saltFile).strip());
        return new PersistentIds(salt);
    }

    @Bean
    LoginService loginService(Directory directory, IdpProperties properties, Clock clock) {
        IdpProperties.Throttle t = properties.throttle();
        return new LoginService(directory, new LoginThrottle(new LoginThrottle.Limits(t.maxPerAccount(), t.maxPerAddress(), t.window()), clock), clock);
    }

    @Bean
    AuthnRequestDecoder authnRequestDecoder(IdpProperties properties) {
        return new AuthnRequestDecoder(properties.maxRequestBytes(), properties.maxRequestBytes() * 4);
    }

    @Bean
    org.gridauth.idp.service.LogoutService logoutService(org.gridauth.idp.service.ServedSps sps, IdpEndpoints endpoints, BasicX509Credential idpSigningCredential,
                                                         Clock clock) {
        return new org.gridauth.idp.service.LogoutService(sps, endpoints, new org.gridauth.idp.protocol.RedirectEncoder(idpSigningCredential),
                new ResponseFactory(endpoints, idpSigningCredential, clock), new RequestFreshness(Duration.ofMinutes(5), Duration.ofMinutes(3)),
                new ReplayCache(clock), clock);
    }

    @Bean
    SsoService ssoService(org.gridauth.idp.service.ServedSps sps, IdpEndpoints endpoints, ReleasePolicy releasePolicy, PersistentIds persistentIds,
                          BasicX509Credential idpSigningCredential, Clock clock, IdpProperties properties) {
        return new SsoService(sps, new ReplayCache(clock), new RequestFreshness(Duration.ofMinutes(5), Duration.ofMinutes(3)),
                endpoints, releasePolicy, persistentIds, new ResponseFactory(endpoints, idpSigningCredential, clock), clock,
                properties.encryptAssertions());
    }
}
