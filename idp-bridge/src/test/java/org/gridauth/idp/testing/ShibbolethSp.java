package org.gridauth.idp.testing;

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
import java.util.List;
import java.util.Map;

import org.gridauth.gsi.testing.GridTools;

/**
 * The real Shibboleth SP (Debian shibboleth-sp-utils + libapache2-mod-shib + apache2) set up by the test on
 * loopback over plain HTTP, decrypting the assertions the IdP encrypts to its key, sending users to the IdP's discovery service first: its own shibboleth2.xml, attribute map, keys, loggers and a standalone Apache with
 * mod_shib protecting {@code /secure/env.cgi}, a CGI page that prints the variables shibd passed. Nothing under /etc
 * is changed and no system service runs (../shared/notes/saml.md).
 */
public final class ShibbolethSp implements AutoCloseable {

    public final Path dir;
    public final int port;
    public final TestSp sp;
    private boolean shibdStarted;
    private boolean apacheStarted;

    private ShibbolethSp(Path dir, int port, TestSp sp) {
        this.dir = dir;
        this.port = port;
        this.sp = sp;
    }

    /** Prepares the directory, keys and the SP's metadata (for the IdP); nothing runs yet. */
    public static ShibbolethSp prepare(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // Metadata as Shibboleth SP generates it (no WantAssertionsSigned): the IdP signs the Response only, and the
        // assertion is encrypted to the SP's key, so shibd must accept a signed Response around an unsigned assertion.
        TestSp sp = new TestSp(dir, "https://sp.interop.test/shibboleth", "http://127.0.0.1:" + port + "/Shibboleth.sso/SAML2/POST", false, true)
                .responseSignatureOnly();
        return new ShibbolethSp(dir, port, sp);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Writes the configuration for an IdP with this metadata and starts shibd and Apache. */
    public void start(String discoveryUrl, String idpMetadataXml) throws Exception {
        Path shibd = tool("/usr/sbin/shibd", "shibd", "shibboleth-sp-utils");
        Path apache = tool("/usr/sbin/apache2", "apache2", "apache2");
        if (!Files.exists(Path.of("/usr/lib/apache2/modules/mod_shib.so"))) {
            GridTools.require("mod_shib.so", "libapache2-mod-shib");
        }
        String name = sp.entityId.replaceAll("[^A-Za-z0-9]", "_");
        Files.writeString(dir.resolve("idp-metadata.xml"), idpMetadataXml);
        for (String sub : new String[] {"run", "cache", "logs", "cgi", "htdocs"}) {
            Files.createDirectories(dir.resolve(sub));
            Files.setPosixFilePermissions(dir.resolve(sub), PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        Files.writeString(dir.resolve("shibboleth2.xml"), """
                <SPConfig xmlns="urn:mace:shibboleth:3.0:native:sp:config" xmlns:conf="urn:mace:shibboleth:3.0:native:sp:config" clockSkew="180">
                  <OutOfProcess tranLogFormat="%%u|%%s|%%IDP|%%i|%%ac|%%t|%%attr|%%n|%%b|%%E|%%S|%%SS|%%L|%%UA|%%a"/>
                  <UnixListener address="%1$s/run/shibd.sock"/>
                  <RequestMapper type="Native"><RequestMap><Host name="127.0.0.1"/></RequestMap></RequestMapper>
                  <ApplicationDefaults entityID="%2$s" REMOTE_USER="eppn persistent-id">
                    <Sessions lifetime="28800" timeout="3600" relayState="ss:mem" checkAddress="false" handlerSSL="false" cookieProps="http">
                      <SSO discoveryProtocol="SAMLDS" discoveryURL="%3$s">SAML2</SSO>
                      <Logout>Local</Logout>
                      <Handler type="Status" Location="/Status" acl="127.0.0.1 ::1"/>
                      <Handler type="Session" Location="/Session" showAttributeValues="true"/>
                    </Sessions>
                    <Errors supportContact="root@localhost" helpLocation="/about.html" styleSheet="/shibboleth-sp/main.css"/>
                    <MetadataProvider type="XML" validate="true" path="%1$s/idp-metadata.xml"/>
                    <AttributeExtractor type="XML" validate="true" reloadChanges="false" path="%1$s/attribute-map.xml"/>
                    <AttributeFilter type="XML" validate="true" path="/etc/shibboleth/attribute-policy.xml"/>
                    <CredentialResolver type="File" key="%1$s/%4$s.key" certificate="%1$s/%4$s.crt"/>
                  </ApplicationDefaults>
                  <SecurityPolicyProvider type="XML" validate="true" path="/etc/shibboleth/security-policy.xml"/>
                  <ProtocolProvider type="XML" validate="true" reloadChanges="false" path="/etc/shibboleth/protocols.xml"/>
                </SPConfig>
                """.formatted(dir, sp.entityId, discoveryUrl, name));
        Files.writeString(dir.resolve("attribute-map.xml"), """
                <Attributes xmlns="urn:mace:shibboleth:2.0:attribute-map" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                  <Attribute name="urn:oid:1.3.6.1.4.1.5923.1.1.1.6" id="eppn"><AttributeDecoder xsi:type="ScopedAttributeDecoder"/></Attribute>
                  <Attribute name="urn:oid:1.3.6.1.4.1.5923.1.1.1.7" id="entitlement"/>
                  <Attribute name="urn:oid:2.5.4.4" id="sn"/>
                  <Attribute name="urn:oid:2.5.4.42" id="givenName"/>
                  <Attribute name="urn:gridauth:attribute:hpciId" id="hpciId"/>
                  <Attribute name="urn:oid:2.5.4.10" id="o"/>
                  <Attribute name="urn:oid:2.5.4.11" id="ou"/>
                  <Attribute name="urn:oid:1.3.6.1.4.1.32264.1.1.4" id="jao"/>
                  <Attribute name="urn:oid:1.3.6.1.4.1.32264.1.1.5" id="jaou"/>
                  <Attribute name="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" id="persistent-id">
                    <AttributeDecoder xsi:type="NameIDAttributeDecoder" formatter="$NameQualifier!$SPNameQualifier!$Name" defaultQualifiers="true"/>
                  </Attribute>
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
        Path cgi = dir.resolve("cgi/env.cgi");
        Files.writeString(cgi, "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nenv | sort\n");
        Files.setPosixFilePermissions(cgi, PosixFilePermissions.fromString("rwxr-xr-x"));
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
                LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
                LoadModule cgi_module /usr/lib/apache2/modules/mod_cgi.so
                LoadModule mod_shib /usr/lib/apache2/modules/mod_shib.so
                User www-data
                Group www-data
                KeepAlive Off
                StartServers 2
                DocumentRoot %1$s/htdocs
                ShibConfig %1$s/shibboleth2.xml
                ScriptAlias /secure/ %1$s/cgi/
                <Location /secure>
                  AuthType shibboleth
                  ShibRequestSetting requireSession true
                  require shib-session
                </Location>
                <Location /Shibboleth.sso>
                  SetHandler shib
                </Location>
                """.formatted(dir, port));

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
        awaitStatus();
    }

    private void awaitStatus() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 100; i++) {
            try {
                HttpResponse<String> status = client.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Shibboleth.sso/Status")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (status.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the Shibboleth SP did not answer /Shibboleth.sso/Status: " + shibdLog());
    }

    public String shibdLog() throws IOException {
        return Files.readString(dir.resolve("logs/shibd.log"));
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
