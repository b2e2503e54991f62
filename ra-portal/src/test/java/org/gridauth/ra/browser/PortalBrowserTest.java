package org.gridauth.ra.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.function.Predicate;

import org.gridauth.gsi.testing.GridTools;
import org.gridauth.ra.testing.Testbed;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The researcher and operator flows in a real browser (Debian chromium + chromedriver, headless), in English and
 * Japanese, through the real discovery service and IdP. Every page is saved as a screenshot under
 * target/screenshots (the manuals' figures come from there).
 */
class PortalBrowserTest {

    static final String PASSWORD = "Portal-test-Pass1";
    static final String KEY_PASS = "correct horse battery staple";
    static final Path SHOTS = Path.of("target", "screenshots");

    private final Testbed testbed = Testbed.get();

    static WebDriver driver(String lang) throws Exception {
        Path chromium = Files.isExecutable(Path.of("/usr/bin/chromium")) ? Path.of("/usr/bin/chromium") : GridTools.require("chromium", "chromium");
        Path driverBinary = Files.isExecutable(Path.of("/usr/bin/chromedriver")) ? Path.of("/usr/bin/chromedriver")
                : GridTools.require("chromedriver", "chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        // The portal's TLS certificate comes from the throw-away test CA the browser does not know.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-extensions",
                "--disable-sync", "--no-first-run", "--ignore-certificate-errors", "--window-size=1280,1000", "--lang=" + lang,
                "--user-data-dir=" + Files.createTempDirectory("chromium"));
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", lang));
        options.setAcceptInsecureCerts(true);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    static void until(WebDriver driver, Predicate<WebDriver> condition) throws InterruptedException {
        for (int i = 0; i < 300 && !condition.test(driver); i++) {
            Thread.sleep(100);
        }
        assertThat(condition.test(driver)).as("page reached; now at " + driver.getCurrentUrl()).isTrue();
    }

    static void shot(WebDriver driver, String lang, String flow, int n, String name) throws Exception {
        Files.createDirectories(SHOTS);
        Path png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SHOTS.resolve("%s-%s-%02d-%s.png".formatted(flow, lang, n, name)), StandardCopyOption.REPLACE_EXISTING);
        String source = driver.getPageSource();
        assertThat(source).as("no stack trace on " + name).doesNotContain("Exception").doesNotContain("Whitelabel");
    }

    void signIn(WebDriver driver, String lang, String flow, String user) throws Exception {
        driver.get(testbed.portalBase() + "/login");
        shot(driver, lang, flow, 1, "login");
        driver.findElement(By.id("sign-in")).click();
        until(driver, d -> d.getCurrentUrl().contains("/ds?"));
        shot(driver, lang, flow, 2, "discovery");
        driver.findElement(By.cssSelector("button[value='" + testbed.idpEntityId() + "']")).click();
        until(driver, d -> d.getCurrentUrl().contains("/idp/login"));
        shot(driver, lang, flow, 3, "idp-login");
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        driver.findElement(By.id("login")).click();
        until(driver, d -> d.getCurrentUrl().equals(testbed.portalBase() + "/"));
        shot(driver, lang, flow, 4, "home");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en", "ja"})
    @DisplayName("R-RA-1..4, R-RA-8: the researcher flow in a real browser, every page photographed, in English and Japanese")
    void researcher(String lang) throws Exception {
        WebDriver driver = driver(lang);
        try {
            signIn(driver, lang, "researcher", lang.equals("en") ? "r32" : "r33");
            assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo(lang);
            driver.findElement(By.id("go-license")).click();
            until(driver, d -> d.getCurrentUrl().endsWith("/license"));
            shot(driver, lang, "researcher", 5, "license");
            driver.findElement(By.id("get-license")).click();
            until(driver, d -> !d.findElements(By.id("license-id")).isEmpty());
            shot(driver, lang, "researcher", 6, "license-issued");
            String license = driver.findElement(By.id("license-id")).getText();
            driver.findElement(By.id("go-certificate")).click();
            until(driver, d -> d.getCurrentUrl().endsWith("/certificate"));
            driver.findElement(By.id("licenseId")).sendKeys(license);
            shot(driver, lang, "researcher", 7, "certificate");
            driver.findElement(By.id("check")).click();
            until(driver, d -> !d.findElements(By.id("cn")).isEmpty());
            driver.findElement(By.id("confirmCn")).click();
            driver.findElement(By.id("passphrase")).sendKeys(KEY_PASS);
            driver.findElement(By.id("passphraseConfirm")).sendKeys(KEY_PASS);
            assertThat(driver.findElement(By.id("passphrase-meter")).getAttribute("value")).isEqualTo("3");
            shot(driver, lang, "researcher", 8, "certificate-confirm");
            driver.findElement(By.id("issue")).click();
            until(driver, d -> !d.findElements(By.id("serial")).isEmpty());
            shot(driver, lang, "researcher", 9, "certificate-issued");
            driver.findElement(By.id("go-proxy")).click();
            until(driver, d -> d.getCurrentUrl().endsWith("/proxy"));
            driver.findElement(By.id("keyPassphrase")).sendKeys(KEY_PASS);
            driver.findElement(By.id("storagePassphrase")).sendKeys("proxy storage 2026");
            driver.findElement(By.id("storagePassphraseConfirm")).sendKeys("proxy storage 2026");
            shot(driver, lang, "researcher", 10, "proxy");
            driver.findElement(By.id("make-proxy")).click();
            until(driver, d -> !d.findElements(By.id("myproxy-logon")).isEmpty());
            shot(driver, lang, "researcher", 11, "proxy-issued");
            driver.get(testbed.portalBase() + "/");
            shot(driver, lang, "researcher", 12, "home-with-certificate");
            driver.get(testbed.portalBase() + "/license");
            driver.findElement(By.id("get-license")).click();
            until(driver, d -> !d.findElements(By.id("problem")).isEmpty());
            shot(driver, lang, "researcher", 13, "problem-valid-certificate");
            driver.get(testbed.portalBase() + "/");
            driver.findElement(By.id("sign-out")).click();
            until(driver, d -> d.getCurrentUrl().endsWith("/signed-out"));
            shot(driver, lang, "researcher", 14, "signed-out");
        } finally {
            driver.quit();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en", "ja"})
    @DisplayName("R-RA-11, R-RA-9: the operator flow in a real browser: search, person, requests, settings, access log, CA audit trail")
    void operator(String lang) throws Exception {
        WebDriver driver = driver(lang);
        try {
            signIn(driver, lang, "operator", "op2");
            driver.findElement(By.id("nav-admin")).click();
            until(driver, d -> d.getCurrentUrl().endsWith("/admin"));
            driver.findElement(By.id("q")).sendKeys("hpci");
            driver.findElement(By.id("search")).click();
            until(driver, d -> d.getCurrentUrl().contains("q="));
            shot(driver, lang, "operator", 5, "search");
            driver.findElement(By.cssSelector("#people a")).click();
            until(driver, d -> d.getCurrentUrl().contains("/admin/people/"));
            shot(driver, lang, "operator", 6, "person");
            driver.findElement(By.id("admin-host")).click();
            until(driver, d -> d.getCurrentUrl().endsWith("/admin/host-requests"));
            shot(driver, lang, "operator", 7, "host-requests");
            driver.findElement(By.id("admin-settings")).click();
            until(driver, d -> d.getCurrentUrl().endsWith("/admin/settings"));
            shot(driver, lang, "operator", 8, "settings");
            driver.findElement(By.id("admin-log")).click();
            until(driver, d -> d.getCurrentUrl().endsWith("/admin/access-log"));
            shot(driver, lang, "operator", 9, "access-log");
            driver.findElement(By.id("admin-ca")).click();
            until(driver, d -> d.getCurrentUrl().endsWith("/admin/ca-audit"));
            shot(driver, lang, "operator", 10, "ca-audit");
        } finally {
            driver.quit();
        }
    }
}
