package org.gridauth.ra.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.testing.GridTools;

/**
 * The real Shibboleth SP in front of the portal (Debian apache2 + libapache2-mod-shib + shibd), as the idp-bridge
 * interop test runs it (../shared/notes/saml.md): its own shibboleth2.xml, keys and loggers, a standalone Apache on
 * loopback over plain HTTP that protects everything with mod_shib, passes the attributes as X-Shib-* headers
 * ({@code ShibUseHeaders On}, which also refuses forged ones) plus the shared secret, and proxies to the portal's
 * loopback listener. Nothing under /etc is changed.
 */
public final class ShibbolethFront implements AutoCloseable {

    public static final String ENTITY_ID = "https://shib-portal.test/shibboleth";

    public final Path dir;
    public final int port;
    public final Credential key;
    private boolean shibdStarted;
    private boolean apacheStarted;

    ShibbolethFront(Path dir, Credential key) throws IOException {
        this.dir = dir;
        this.key = key;
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Apache's children run as www-data: every directory above the configuration must let them through, or
        // mod_shib cannot read shibboleth2.xml, the children die at start and requests hang (a temporary
        // directory is made mode 700).
        if (dir.getParent() != null && dir.getParent().getFileName().toString().startsWith("ra-portal-test")) {
            Files.setPosixFilePermissions(dir.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
    }

    static ShibbolethFront prepare(Path dir, org.gridauth.gsi.testing.TestPki pki) throws IOException {
        Files.createDirectories(dir);
        Credential key = pki.issue(CertificateProfiles.service(), GridDn.fromOpenSsl(org.gridauth.gsi.testing.TestPki.ORGANISATION
                + "/CN=shib-portal.test"), List.of("shib-portal.test"));
        return new ShibbolethFront(dir, key);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** SP metadata for the IdP (written before the IdP starts). */
    String metadataXml() throws Exception {
        return """
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="%s">
                  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
                    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="%s/Shibboleth.sso/SAML2/POST" index="1"/>
                  </md:SPSSODescriptor>
                </md:EntityDescriptor>
                """.formatted(ENTITY_ID, Base64.getEncoder().encodeToString(key.certificate().getEncoded()), baseUrl());
    }

    /** Starts shibd and Apache proxying to the portal's loopback listener with the shared secret. */
    public void start(String idpEntityId, String idpMetadataXml, int portalProxyPort, String secret) throws Exception {
        Path shibd = tool("/usr/sbin/shibd", "shibd", "shibboleth-sp-utils");
        Path apache = tool("/usr/sbin/apache2", "apache2", "apache2");
        if (!Files.exists(Path.of("/usr/lib/apache2/modules/mod_shib.so"))) {
            GridTools.require("mod_shib.so", "libapache2-mod-shib");
        }
        CredentialFiles.writeHostCredential(dir.resolve("sp.crt"), dir.resolve("sp.key"), key);
        Files.writeString(dir.resolve("idp-metadata.xml"), idpMetadataXml);
        for (String sub : new String[] {"run", "cache", "logs", "htdocs"}) {
            Files.createDirectories(dir.resolve(sub));
            Files.setPosixFilePermissions(dir.resolve(sub), PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        Files.writeString(dir.resolve("shibboleth2.xml"), """
                <SPConfig xmlns="urn:mace:shibboleth:3.0:native:sp:config" xmlns:conf="urn:mace:shibboleth:3.0:native:sp:config" clockSkew="180">
                  <UnixListener address="%1$s/run/shibd.sock"/>
                  <RequestMapper type="Native"><RequestMap><Host name="127.0.0.1"/></RequestMap></RequestMapper>
                  <ApplicationDefaults entityID="%2$s" REMOTE_USER="eppn persistent-id">
                    <Sessions lifetime="28800" timeout="3600" relayState="ss:mem" checkAddress="false" handlerSSL="false" cookieProps="http">
                      <SSO entityID="%3$s">SAML2</SSO>
                      <Logout>Local</Logout>
                      <Handler type="Status" Location="/Status" acl="127.0.0.1 ::1"/>
                      <Handler type="Session" Location="/Session" showAttributeValues="true"/>
                    </Sessions>
                    <Errors supportContact="root@localhost" helpLocation="/about.html" styleSheet="/shibboleth-sp/main.css"/>
                    <MetadataProvider type="XML" validate="true" path="%1$s/idp-metadata.xml"/>
                    <AttributeExtractor type="XML" validate="true" reloadChanges="false" path="%1$s/attribute-map.xml"/>
                    <AttributeFilter type="XML" validate="true" path="/etc/shibboleth/attribute-policy.xml"/>
                    <CredentialResolver type="File" key="%1$s/sp.key" certificate="%1$s/sp.crt"/>
                  </ApplicationDefaults>
                  <SecurityPolicyProvider type="XML" validate="true" path="/etc/shibboleth/security-policy.xml"/>
                  <ProtocolProvider type="XML" validate="true" reloadChanges="false" path="/etc/shibboleth/protocols.xml"/>
                </SPConfig>
                """.formatted(dir, ENTITY_ID, idpEntityId));
        Files.writeString(dir.resolve("attribute-map.xml"), """
                <Attributes xmlns="urn:mace:shibboleth:2.0:attribute-map" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                  <Attribute name="urn:oid:1.3.6.1.4.1.5923.1.1.1.6" id="X-Shib-eppn"><AttributeDecoder xsi:type="ScopedAttributeDecoder"/></Attribute>
                  <Attribute name="urn:oid:1.3.6.1.4.1.5923.1.1.1.7" id="X-Shib-entitlement"/>
                  <Attribute name="urn:oid:2.5.4.4" id="X-Shib-sn"/>
                  <Attribute name="urn:oid:2.5.4.42" id="X-Shib-givenName"/>
                  <Attribute name="urn:oid:0.9.2342.19200300.100.1.3" id="X-Shib-mail"/>
                  <Attribute name="urn:gridauth:attribute:hpciId" id="X-Shib-hpciId"/>
                </Attributes>
                """);
        Path shibdLog = dir.resolve("logs/shibd.log");
        Path nativeLog = dir.resolve("logs/native.log");
        Files.writeString(dir.resolve("shibd.logger"), logger(shibdLog));
        Files.writeString(dir.resolve("native.logger"), logger(nativeLog));
        for (Path log : List.of(shibdLog, nativeLog)) {
            Files.writeString(log, "");
            Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-rw-rw-"));
        }
        Files.writeString(dir.resolve("httpd.conf"), """
                ServerRoot "/etc/apache2"
                ServerName 127.0.0.1
                Listen 127.0.0.1:%2$d
                PidFile %1$s/run/httpd.pid
                ErrorLog %1$s/logs/apache-error.log
                LogLevel warn
                LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
                LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
                LoadModule authn_core_module /usr/lib/apache2/modules/mod_authn_core.so
                LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
                LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
                LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
                LoadModule mod_shib /usr/lib/apache2/modules/mod_shib.so
                User www-data
                Group www-data
                KeepAlive Off
                StartServers 2
                DocumentRoot %1$s/htdocs
                ShibConfig %1$s/shibboleth2.xml
                ProxyPass /Shibboleth.sso !
                ProxyPass / http://127.0.0.1:%3$d/
                ProxyPassReverse / http://127.0.0.1:%3$d/
                <Location />
                  AuthType shibboleth
                  ShibRequestSetting requireSession true
                  ShibUseHeaders On
                  require shib-session
                  RequestHeader set X-Gridauth-Proxy-Secret "%4$s"
                </Location>
                <Location /Shibboleth.sso>
                  SetHandler shib
                </Location>
                """.formatted(dir, port, portalProxyPort, secret));
        Map<String, String> shibdEnv = Map.of("SHIBSP_RUNDIR", dir.resolve("run").toString(), "SHIBSP_CACHEDIR", dir.resolve("cache").toString(),
                "SHIBSP_LOGDIR", dir.resolve("logs").toString(), "SHIBSP_LOGGING", dir.resolve("shibd.logger").toString());
        GridTools.Result shibdRun = GridTools.run(List.of(shibd.toString(), "-f", "-c", dir.resolve("shibboleth2.xml").toString(),
                "-p", dir.resolve("run/shibd.pid").toString(), "-w", "30"), shibdEnv, null, Duration.ofSeconds(60));
        if (shibdRun.exitCode() != 0) {
            throw new IllegalStateException("shibd did not start: " + shibdRun.all() + Files.readString(shibdLog));
        }
        shibdStarted = true;
        GridTools.Result apacheRun = GridTools.run(List.of(apache.toString(), "-f", dir.resolve("httpd.conf").toString(), "-k", "start"),
                Map.of("SHIBSP_LOGGING", dir.resolve("native.logger").toString()), null, Duration.ofSeconds(30));
        if (apacheRun.exitCode() != 0) {
            throw new IllegalStateException("apache2 did not start: " + apacheRun.all());
        }
        apacheStarted = true;
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 100; i++) {
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Shibboleth.sso/Status")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the Shibboleth SP did not answer /Shibboleth.sso/Status: " + Files.readString(shibdLog));
    }

    private static String logger(Path file) {
        return """
                log4j.rootCategory=INFO, f
                log4j.appender.f=org.apache.log4j.FileAppender
                log4j.appender.f.fileName=%s
                log4j.appender.f.layout=org.apache.log4j.PatternLayout
                log4j.appender.f.layout.ConversionPattern=%%d{%%Y-%%m-%%d %%H:%%M:%%S} %%p %%c %%x: %%m%%n
                """.formatted(file);
    }

    private static Path tool(String sbin, String name, String debianPackage) {
        Path path = Path.of(sbin);
        return Files.isExecutable(path) ? path : GridTools.require(name, debianPackage);
    }

    @Override
    public void close() throws IOException {
        if (apacheStarted) {
            GridTools.run(List.of("/usr/sbin/apache2", "-f", dir.resolve("httpd.conf").toString(), "-k", "stop"), Map.of(), null, Duration.ofSeconds(30));
        }
        if (shibdStarted) {
            Path pid = dir.resolve("run/shibd.pid");
            if (Files.exists(pid)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroy);
            }
        }
    }
}
