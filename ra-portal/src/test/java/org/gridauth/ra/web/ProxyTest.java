package org.gridauth.ra.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.time.Duration;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.ra.testing.Testbed;
import org.gridauth.ra.testing.WebClient;
import org.gridauth.ra.testing.WebClient.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Proxies (R-RA-8) from the stored credential; Debian's myproxy-logon fetches what the page says to fetch. */
class ProxyTest {

    static final String PASSWORD = ResearcherFlowTest.PASSWORD;
    static final String KEY_PASS = ResearcherFlowTest.KEY_PASS;
    static final String STORAGE = "proxy storage 2026";

    private final Testbed testbed = Testbed.get();

    @Test
    @DisplayName("R-RA-8: a proxy stored in MyProxy under the storage passphrase; Debian's myproxy-logon run as the page shows fetches it")
    void myproxyLogon() throws Exception {
        Path tool = GridTools.require("myproxy-logon", "myproxy");
        WebClient browser = testbed.browser();
        browser.signIn("r20", PASSWORD);
        CertificateTest.issue(browser, CertificateTest.confirm(browser, "STORE"));
        Page form = browser.get("/proxy");
        assertThat(form.body()).contains("value=\"168\"");
        Page result = browser.submit(form, "/proxy", Map.of("keyPassphrase", KEY_PASS, "storagePassphrase", STORAGE, "storagePassphraseConfirm", STORAGE,
                "hours", "24", "destination", "MYPROXY"));
        assertThat(result.status()).as(result.body()).isEqualTo(200);
        String command = result.text("myproxy-logon");
        assertThat(command).startsWith("myproxy-logon -s " + testbed.peers.pki.hostName() + " -p " + testbed.peers.myproxy.port() + " -l hpci100020 -t 24");
        assertThat(result.body()).doesNotContain(STORAGE).doesNotContain(KEY_PASS);

        Path dir = Files.createTempDirectory("proxy");
        Path out = dir.resolve("x509up");
        GridTools.Result run = GridTools.run(List.of(tool.toString(), "-s", testbed.peers.pki.hostName(), "-p", Integer.toString(testbed.peers.myproxy.port()),
                "-l", "hpci100020", "-t", "24", "-S", "-o", out.toString()), Map.of("X509_CERT_DIR", testbed.peers.pki.trustDir().toString(),
                "X509_USER_PROXY", dir.resolve("none").toString(), "HOME", dir.toString()), STORAGE + "\n", Duration.ofSeconds(60));
        assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
        Credential proxy = CredentialFiles.readProxy(out);
        assertThat(proxy.chain().get(proxy.chain().size() - 1).getSubjectX500Principal().getName()).contains("hpci100020");
    }

    @Test
    @DisplayName("R-RA-8: a proxy can be downloaded as a proxy file; a lifetime over the cap and a non-member VO are refused clearly")
    void downloadAndRefusals() {
        WebClient browser = testbed.browser();
        browser.signIn("r21", PASSWORD);
        CertificateTest.issue(browser, CertificateTest.confirm(browser, "STORE"));
        Page tooLong = browser.submit(browser.get("/proxy"), "/proxy", Map.of("keyPassphrase", KEY_PASS, "hours", "1000", "destination", "DOWNLOAD"));
        assertThat(tooLong.body()).contains("GA-RA-022").contains("168");
        Page notMember = browser.submit(browser.get("/proxy"), "/proxy", Map.of("keyPassphrase", KEY_PASS, "hours", "12", "destination", "DOWNLOAD",
                "vo", "hpci.jp", "group", "/hpci.jp/ocean"));
        assertThat(notMember.body()).contains("GA-RA-018").contains("GA-CM-");
        Page ok = browser.submit(browser.get("/proxy"), "/proxy", Map.of("keyPassphrase", KEY_PASS, "hours", "12", "destination", "DOWNLOAD"));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        String pem = new String(browser.download("/proxy/download"), StandardCharsets.US_ASCII);
        assertThat(pem).contains("BEGIN CERTIFICATE").contains("PRIVATE KEY");
        Page wrongKey = browser.submit(browser.get("/proxy"), "/proxy", Map.of("keyPassphrase", "not the passphrase", "hours", "12",
                "destination", "DOWNLOAD"));
        assertThat(wrongKey.status()).isGreaterThanOrEqualTo(400);
        assertThat(wrongKey.body()).contains("GA-RA-018").doesNotContain("not the passphrase");
    }

    @Test
    @DisplayName("R-RA-8, R-CM-2: the proxy form offers only the VO attributes of the researcher's current projects; the chosen one is in the proxy, any other is refused")
    void voChoicesFromProjects() {
        testbed.peers.memberships.put("hpci100027", List.of("/hpci.jp", "/hpci.jp/ocean", "/hpci.jp/ocean/Role=admin"));
        WebClient browser = testbed.browser();
        browser.signIn("r27", PASSWORD);
        CertificateTest.issue(browser, CertificateTest.confirm(browser, "STORE"));
        Page form = browser.get("/proxy");
        assertThat(form.body()).contains("<select id=\"fqan\"").contains("value=\"/hpci.jp/ocean/Role=admin\"").contains("value=\"/hpci.jp\"");

        Page made = browser.submit(form, "/proxy", Map.of("keyPassphrase", KEY_PASS, "hours", "12", "destination", "DOWNLOAD",
                "fqan", "/hpci.jp/ocean/Role=admin"));
        assertThat(made.status()).as(made.body()).isEqualTo(200);
        assertThat(made.body()).contains("/hpci.jp/ocean/Role=admin");

        Page other = browser.submit(browser.get("/proxy"), "/proxy", Map.of("keyPassphrase", KEY_PASS, "hours", "12", "destination", "DOWNLOAD",
                "fqan", "/hpci.jp/alloys"));
        assertThat(other.status()).isGreaterThanOrEqualTo(400);
        assertThat(other.body()).contains("GA-RA-").contains("choose one of the attributes your projects give you");

        testbed.peers.memberships.remove("hpci100027");
        assertThat(browser.get("/proxy").body()).contains("id=\"no-fqans\"").doesNotContain("<select id=\"fqan\"");
    }
}
