package org.gridauth.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridauth.gsi.testing.GridTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * Scenario A of the specification, end to end, as its people do it: the suite started by 'gridauth up'; a researcher
 * in a real browser (Debian chromium) chooses the IdP in the discovery service, signs in, gets a license ID, a
 * client certificate kept in the certificate manager and a proxy stored in MyProxy; at the command line Debian's
 * myproxy-logon fetches it and the Java gsissh logs in to the gateway, where 'id' shows the account the site's
 * grid-mapfile maps to. Then a CA operator revokes the certificate in the admin console, the site runs 'gridmap
 * sync' and 'gridmap crl', and the next login is refused. Every page is kept as a screenshot in
 * target/scenario-a-screenshots; the suite (shared with the other system tests, {@link SharedSuite}) keeps its output
 * and logs in target/suite-home*.
 */
@ExtendWith(SharedSuite.class)
class ScenarioATest {

    private static final Path HOME = SharedSuite.HOME;
    private static final Path SHOTS = Path.of("target", "scenario-a-screenshots");
    // Demo values of the bundled directory (printed by 'gridauth up'), and the secrets this test chooses.
    private static final String TARO_PASSWORD = "taro-demo-Pass1";
    private static final String HANAKO_PASSWORD = "hanako-demo-Pass2";
    private static final String KEY_PASSPHRASE = "scenario A key passphrase 7";
    private static final String STORAGE_PASSPHRASE = "scenario A storage 2026";

    private static RunningSuite suite;
    private static final List<String> secrets = new ArrayList<>(List.of(TARO_PASSWORD, HANAKO_PASSWORD, KEY_PASSPHRASE, STORAGE_PASSPHRASE));
    private int shot;

    @BeforeAll
    static void up(RunningSuite running) {
        GridTools.require("myproxy-logon", "myproxy");
        GridTools.require("chromium", "chromium");
        GridTools.require("chromedriver", "chromium-driver");
        suite = running;
    }

    @Test
    @DisplayName("R-IDP-1, R-DS-1, R-RA-1..4, R-RA-8, R-MP-1, R-SSH-1, R-RA-11, R-RS-2..4: scenario A from the browser to gsissh, then revocation ends the access")
    void scenarioA() throws Exception {
        String up = suite.log();
        assertThat(up).contains("RA portal:").contains(suite.portalBase()).contains("taro").contains("Started in");

        WebDriver browser = Chromium.browser();
        String myproxyUser;
        try {
            signIn(browser, "taro", TARO_PASSWORD);
            browser.findElement(By.id("go-license")).click();
            Chromium.until(browser, d -> d.getCurrentUrl().endsWith("/license"));
            shot(browser, "license");
            browser.findElement(By.id("get-license")).click();
            Chromium.until(browser, d -> !d.findElements(By.id("license-id")).isEmpty());
            shot(browser, "license-issued");
            String license = browser.findElement(By.id("license-id")).getText();
            secrets.add(license);

            browser.findElement(By.id("go-certificate")).click();
            Chromium.until(browser, d -> d.getCurrentUrl().endsWith("/certificate"));
            browser.findElement(By.id("licenseId")).sendKeys(license);
            shot(browser, "certificate");
            browser.findElement(By.id("check")).click();
            Chromium.until(browser, d -> !d.findElements(By.id("cn")).isEmpty());
            assertThat(browser.findElement(By.id("cn")).getText()).isEqualTo("Taro Yamada hpci000001");
            browser.findElement(By.id("confirmCn")).click();
            browser.findElement(By.id("passphrase")).sendKeys(KEY_PASSPHRASE);
            browser.findElement(By.id("passphraseConfirm")).sendKeys(KEY_PASSPHRASE);
            shot(browser, "certificate-confirm");
            browser.findElement(By.id("issue")).click();
            Chromium.until(browser, d -> !d.findElements(By.id("serial")).isEmpty());
            shot(browser, "certificate-issued");

            browser.findElement(By.id("go-proxy")).click();
            Chromium.until(browser, d -> d.getCurrentUrl().endsWith("/proxy"));
            browser.findElement(By.id("keyPassphrase")).sendKeys(KEY_PASSPHRASE);
            browser.findElement(By.id("storagePassphrase")).sendKeys(STORAGE_PASSPHRASE);
            browser.findElement(By.id("storagePassphraseConfirm")).sendKeys(STORAGE_PASSPHRASE);
            shot(browser, "proxy");
            browser.findElement(By.id("make-proxy")).click();
            Chromium.until(browser, d -> !d.findElements(By.id("myproxy-logon")).isEmpty());
            shot(browser, "proxy-issued");
            String command = browser.findElement(By.id("myproxy-logon")).getText();
            Matcher user = Pattern.compile("-l\\s+(\\S+)").matcher(command);
            assertThat(user.find()).as("the page shows the myproxy-logon command: " + command).isTrue();
            myproxyUser = user.group(1);
            browser.findElement(By.id("sign-out")).click();
            Chromium.until(browser, d -> d.getCurrentUrl().endsWith("/signed-out"));
            shot(browser, "signed-out");
        } finally {
            browser.quit();
        }

        // At the command line: Debian's myproxy-logon, then the site's sync (its timer), then gsissh.
        Path proxy = HOME.resolve("taro-proxy.pem");
        Map<String, String> grid = Map.of("X509_CERT_DIR", HOME.resolve("certificates").toString(), "HOME", HOME.toString());
        GridTools.Result logon = GridTools.run(List.of("myproxy-logon", "-s", "localhost", "-p", Integer.toString(suite.port("port.myproxy")),
                "-l", myproxyUser, "-S", "-t", "2", "-o", proxy.toString()), grid, STORAGE_PASSPHRASE + "\n", Duration.ofSeconds(60));
        assertThat(logon.exitCode()).as(logon.all()).isZero();
        GridTools.Result sync = suite.gridauth(Map.of(), null, "gridmap", "sync", "--config", HOME.resolve("gridmap/gridmap.conf").toString());
        assertThat(sync.exitCode()).as(sync.all()).isZero();
        assertThat(Files.readString(HOME.resolve("gsissh/grid-mapfile"))).contains("CN=Taro Yamada hpci000001");

        String account = "root".equals(System.getProperty("user.name")) ? "nobody" : System.getProperty("user.name");
        GridTools.Result login = gsissh(proxy, account);
        assertThat(login.exitCode()).as(login.all()).isZero();
        assertThat(login.stdout()).contains("uid=").contains("(" + account + ")");

        // The CA operator revokes the certificate in the admin console.
        WebDriver operator = Chromium.browser();
        try {
            signIn(operator, "hanako", HANAKO_PASSWORD);
            operator.findElement(By.id("nav-admin")).click();
            Chromium.until(operator, d -> d.getCurrentUrl().endsWith("/admin"));
            operator.findElement(By.id("q")).sendKeys("hpci000001");
            operator.findElement(By.id("search")).click();
            Chromium.until(operator, d -> d.getCurrentUrl().contains("q="));
            shot(operator, "admin-search");
            operator.findElement(By.cssSelector("#people a")).click();
            Chromium.until(operator, d -> d.getCurrentUrl().contains("/admin/people/"));
            shot(operator, "admin-person");
            operator.findElement(By.cssSelector("#person-certificates button.danger")).click();
            Chromium.until(operator, d -> !d.findElements(By.id("revoked-ok")).isEmpty());
            shot(operator, "admin-revoked");
        } finally {
            operator.quit();
        }

        // The site's timers: the grid-mapfile loses the line, the trust directory gets the new CRL.
        sync = suite.gridauth(Map.of(), null, "gridmap", "sync", "--config", HOME.resolve("gridmap/gridmap.conf").toString());
        assertThat(sync.exitCode()).as(sync.all()).isZero();
        assertThat(Files.readString(HOME.resolve("gsissh/grid-mapfile"))).doesNotContain("CN=Taro Yamada hpci000001");
        GridTools.Result crl = suite.gridauth(Map.of(), null, "gridmap", "crl", "--dir", HOME.resolve("gsissh/certificates").toString());
        assertThat(crl.exitCode()).as(crl.all()).isZero();

        GridTools.Result refused = gsissh(proxy, account);
        assertThat(refused.exitCode()).as(refused.all()).isNotZero();
        assertThat(refused.stdout()).doesNotContain("uid=");

        // R-OP-2 and no secret in any log of the whole flow.
        GridTools.Result check = suite.gridauth(Map.of(), null, "check");
        assertThat(check.exitCode()).as(check.all()).isZero();
        // 'up' prints the demo accounts' passwords on purpose (public demo values); no service may log them.
        String serviceLogs = RunningSuite.logsOf(HOME);
        String printed = suite.log();
        // R-CA-9: the CA started from the shipped (shaded) jar checks RSA signatures in native code.
        assertThat(serviceLogs + printed).contains("are checked with Amazon Corretto Crypto Provider");
        for (String secret : secrets) {
            assertThat(serviceLogs).as("a secret of the flow in the services' logs").doesNotContain(secret);
            if (!secret.equals(TARO_PASSWORD) && !secret.equals(HANAKO_PASSWORD)) {
                assertThat(printed).as("a secret of the flow in the output of 'up'").doesNotContain(secret);
            }
        }
    }

    private GridTools.Result gsissh(Path proxy, String account) throws Exception {
        return suite.gridauth(Map.of("X509_USER_PROXY", proxy.toString(), "X509_CERT_DIR", HOME.resolve("certificates").toString()), null,
                "gsissh", "-p", Integer.toString(suite.port("port.gsissh-gateway")), account + "@localhost", "id");
    }

    private void signIn(WebDriver browser, String user, String password) throws Exception {
        browser.get(suite.portalBase() + "/");
        Chromium.until(browser, d -> d.getCurrentUrl().contains("/login") || d.getCurrentUrl().contains("/ds"));
        shot(browser, user + "-portal");
        if (!browser.findElements(By.id("sign-in")).isEmpty()) {
            browser.findElement(By.id("sign-in")).click();
        }
        Chromium.until(browser, d -> d.getCurrentUrl().contains("/ds?"));
        shot(browser, user + "-discovery");
        browser.findElement(By.cssSelector("button[value='" + suite.idpEntityId() + "']")).click();
        Chromium.until(browser, d -> d.getCurrentUrl().contains("/idp/login"));
        shot(browser, user + "-idp-login");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("login")).click();
        // Spring Security brings the browser back to the page it first asked for ("/?continue").
        Chromium.until(browser, d -> d.getCurrentUrl().replaceFirst("\\?.*", "").equals(suite.portalBase() + "/"));
        shot(browser, user + "-home");
    }

    private void shot(WebDriver driver, String name) throws Exception {
        Files.createDirectories(SHOTS);
        Path png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SHOTS.resolve("%02d-%s.png".formatted(++shot, name)), StandardCopyOption.REPLACE_EXISTING);
        assertThat(driver.getPageSource()).as("no stack trace on " + name).doesNotContain("Exception").doesNotContain("Whitelabel");
    }
}
