package org.gridauth.certmanager.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import org.gridauth.certmanager.CertManagerFixture;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service as an operator runs it: everything from cert-manager.conf, checked at start-up. */
class CertManagerDaemonTest {

    @TempDir
    Path dir;

    private Path config(CertManagerFixture peers, String extra) throws Exception {
        TestPki pki = peers.pki;
        CredentialFiles.writeHostCredential(dir.resolve("hostcert.pem"), dir.resolve("hostkey.pem"), pki.host());
        CredentialFiles.writeHostCredential(dir.resolve("racert.pem"), dir.resolve("rakey.pem"), peers.ra);
        Files.writeString(dir.resolve("ca.pem"), Pem.encode(pki.ca().certificate()));
        Path conf = dir.resolve("cert-manager.conf");
        Files.writeString(conf, String.join("\n",
                "database.url = jdbc:h2:file:" + dir.resolve("db/cm") + ";WRITE_DELAY=0",
                "listen = 127.0.0.1:0",
                "tls.certificate = hostcert.pem",
                "tls.key = hostkey.pem",
                "trust.dir = " + pki.trustDir(),
                "portal.clients = " + CertManagerFixture.PORTAL_DN + " ; /C=JP/O=Other/CN=second-portal.example.org",
                "ca.url = https://" + pki.hostName() + ":" + peers.caLink.port(),
                "ca.ra-certificate = racert.pem",
                "ca.ra-key = rakey.pem",
                "ca.certificate = ca.pem",
                "subject.base = " + TestPki.ORGANISATION + "/OU=Users",
                "myproxy.host = " + pki.hostName(),
                "myproxy.port = " + peers.myproxy.port(),
                "mail.host = 127.0.0.1",
                "mail.port = " + peers.mail.getSmtp().getPort(),
                "mail.from = ca@example.org",
                "mail.recipients.* = ops@example.org",
                extra, ""));
        return conf;
    }

    @Test
    @DisplayName("R-CM-1: the daemon starts from cert-manager.conf and the portal obtains a certificate through it")
    void startsFromConfiguration() throws Exception {
        try (CertManagerFixture peers = new CertManagerFixture(dir.resolve("peers"), TestDatabases.h2());
             CertManagerDaemon daemon = CertManagerDaemon.start(CertManagerConfig.load(config(peers, "")), Clock.systemUTC())) {
            String body = "{\"requestId\":\"daemon-req-1\",\"hpciId\":\"HPCI009001\",\"eppn\":\"d1@example.ac.jp\",\"commonName\":\"Daemon Test HPCI009001\","
                    + "\"keyPassphrase\":\"daemon passphrase 1\",\"keyPassphraseConfirm\":\"daemon passphrase 1\",\"destination\":\"STORE\"}";
            HttpResponse<String> response = peers.client(peers.portal).send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("https://" + peers.pki.hostName() + ":" + daemon.port() + "/v1/certificates"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("CN=Daemon Test HPCI009001");
            assertThat(peers.mail.waitForIncomingEmail(10_000, 1)).isTrue();
        }
    }

    @Test
    @DisplayName("R-OP-2: with management.listen the daemon answers /actuator/health and /actuator/prometheus over plain HTTP on loopback,"
            + " with portal API requests counted by route pattern (no HPCI-ID in the metrics)")
    void healthAndMetrics() throws Exception {
        try (CertManagerFixture peers = new CertManagerFixture(dir.resolve("peers"), TestDatabases.h2());
             CertManagerDaemon daemon = CertManagerDaemon.start(CertManagerConfig.load(config(peers, "management.listen = 127.0.0.1:0")),
                     Clock.systemUTC())) {
            HttpResponse<String> mappings = peers.client(peers.portal).send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "https://" + peers.pki.hostName() + ":" + daemon.port() + "/v1/accounts/HPCI009301/mappings")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(mappings.statusCode()).as(mappings.body()).isEqualTo(200);

            java.net.http.HttpClient local = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + daemon.managementPort();
            HttpResponse<String> health = local.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/actuator/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
            String expected = "http_server_requests_seconds_count{exception=\"none\",method=\"GET\",outcome=\"SUCCESS\",status=\"200\","
                    + "uri=\"/v1/accounts/{hpciId}/mappings\"} 1";
            HttpResponse<String> metrics = null;
            // A request is recorded just after its answer is sent, on the service's thread: a scrape may come first.
            for (int i = 0; i < 50 && (metrics == null || !metrics.body().contains(expected)); i++, Thread.sleep(100)) {
                metrics = local.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/actuator/prometheus")).build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_memory_used_bytes", "process_cpu_usage").contains(expected)
                    .doesNotContainIgnoringCase("hpci009301");
        }
    }

    @Test
    @DisplayName("R-OP-2, R-OP-3: management.listen must be a loopback address, so no health or metrics port answers outside the machine")
    void managementListenLoopbackOnly() throws Exception {
        try (CertManagerFixture peers = new CertManagerFixture(dir.resolve("peers"), TestDatabases.h2())) {
            assertThatThrownBy(() -> CertManagerConfig.load(config(peers, "management.listen = 0.0.0.0:8445")))
                    .hasMessageContaining("GA-CM-001").hasMessageContaining("management.listen must be a loopback address");
            assertThat(CertManagerConfig.load(config(peers, "")).managementListen()).isNull();
        }
    }

    @Test
    @DisplayName("R-CM-2, R-CM-4, R-RA-8: the daemon takes VO groups from the imported project registry: a member gets the group, a non-member is refused")
    void voGroupsFromTheProjectRegistry() throws Exception {
        try (CertManagerFixture peers = new CertManagerFixture(dir.resolve("peers"), TestDatabases.h2())) {
            CredentialFiles.writeHostCredential(dir.resolve("accert.pem"), dir.resolve("ackey.pem"), peers.acIssuer);
            Path conf = config(peers, String.join("\n", "ac.certificate = accert.pem", "ac.key = ackey.pem", "ac.host = " + CertManagerFixture.VO_HOST));
            try (CertManagerDaemon daemon = CertManagerDaemon.start(CertManagerConfig.load(conf), Clock.systemUTC())) {
                voGroups(peers, daemon);
            }
        }
    }

    private void voGroups(CertManagerFixture peers, CertManagerDaemon daemon) throws Exception {
        java.net.http.HttpClient portal = peers.client(peers.portal);
        String base = "https://" + peers.pki.hostName() + ":" + daemon.port();
        for (String id : new String[] {"hpci009101", "hpci009102"}) {
            String body = "{\"requestId\":\"vo-req-" + id + "\",\"hpciId\":\"" + id + "\",\"eppn\":\"" + id + "@example.ac.jp\","
                    + "\"commonName\":\"Vo Tester " + id + "\",\"keyPassphrase\":\"daemon passphrase 1\",\"keyPassphraseConfirm\":\"daemon passphrase 1\","
                    + "\"destination\":\"STORE\"}";
            assertThat(post(portal, base + "/v1/certificates", body).statusCode()).isEqualTo(200);
        }
        java.time.LocalDate today = java.time.LocalDate.now();
        Path researchers = Files.writeString(dir.resolve("researchers.csv"), "hpci_id,eppn,given_name,family_name,email,status\n"
                + "hpci009101,hpci009101@example.ac.jp,Vo,Tester,a@example.ac.jp,active\n"
                + "hpci009102,hpci009102@example.ac.jp,Vo,Tester,b@example.ac.jp,active\n");
        Path projects = Files.writeString(dir.resolve("projects.csv"), "project_id,name,vo,start,end,hpci_id,group,role\n"
                + "hp260001,Ocean,hpci.jp," + today.minusDays(10) + "," + today.plusDays(100) + ",hpci009101,ocean,\n");
        int imported = org.gridauth.certmanager.registry.RegistryImportCommand.run(new String[] {"--jdbc-url",
                "jdbc:h2:file:" + dir.resolve("db/cm") + ";WRITE_DELAY=0", "--actor", "test", "--researchers", researchers.toString(),
                "--projects", projects.toString()}, System.out, System.err, java.util.Map.of());
        assertThat(imported).isZero();
        String proxy = "{\"hpciId\":\"%s\",\"eppn\":\"%s@example.ac.jp\",\"keyPassphrase\":\"daemon passphrase 1\",\"vo\":\"hpci.jp\","
                + "\"group\":\"ocean\",\"destination\":\"DOWNLOAD\"}";
        HttpResponse<String> member = post(portal, base + "/v1/proxies", String.format(proxy, "hpci009101", "hpci009101"));
        assertThat(member.statusCode()).as(member.body()).isEqualTo(200);
        assertThat(member.body()).contains("/hpci.jp/ocean");
        HttpResponse<String> outsider = post(portal, base + "/v1/proxies", String.format(proxy, "hpci009102", "hpci009102"));
        assertThat(outsider.statusCode()).isEqualTo(400);
        assertThat(outsider.body()).contains("GA-CM-010");
    }

    private static HttpResponse<String> post(java.net.http.HttpClient client, String url, String body) throws Exception {
        return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("R-OP-1: a wrong configuration stops the start with the setting named (GA-CM-001)")
    void badConfiguration() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "database.url = jdbc:h2:mem:x\nlisten = 127.0.0.1:0\nsurprise = 1\n");
        assertThatThrownBy(() -> CertManagerConfig.load(conf)).isInstanceOf(GridAuthException.class)
                .hasMessageContaining("GA-CM-001").hasMessageContaining("surprise");
        Files.writeString(conf, "database.url = jdbc:h2:mem:x\nlisten = 127.0.0.1:0\n");
        assertThatThrownBy(() -> CertManagerConfig.load(conf)).hasMessageContaining("portal.clients is required");
        Files.writeString(conf, "database.url = jdbc:h2:mem:x\nlisten = nowhere\ntls.certificate=a\ntls.key=b\ntrust.dir=c\nportal.clients=/CN=x\n"
                + "ca.url=https://ca:11412\nca.ra-certificate=a\nca.ra-key=b\nca.certificate=c\nsubject.base=/C=JP\nmyproxy.host=h\n");
        assertThatThrownBy(() -> CertManagerConfig.load(conf)).hasMessageContaining("listen must be host:port");
        Files.writeString(conf, "database.url = jdbc:h2:mem:x\ntls.certificate=a\ntls.key=b\ntrust.dir=c\nportal.clients=/CN=x\n"
                + "ca.url=http://ca:11412\nca.ra-certificate=a\nca.ra-key=b\nca.certificate=c\nsubject.base=/C=JP\nmyproxy.host=h\n");
        assertThatThrownBy(() -> CertManagerConfig.load(conf)).hasMessageContaining("ca.url must be an https URL");
        Files.writeString(conf, "database.url = jdbc:h2:mem:x\ntls.certificate=a\ntls.key=b\ntrust.dir=c\nportal.clients=/CN=x\n"
                + "ca.url=https://ca:11412\nca.ra-certificate=a\nca.ra-key=b\nca.certificate=c\nsubject.base=/C=JP\nmyproxy.host=h\n"
                + "proxy.default-hours=200\n");
        assertThatThrownBy(() -> CertManagerConfig.load(conf)).hasMessageContaining("proxy.default-hours");
    }
}
