package org.gridauth.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Map;
import java.util.function.Predicate;

import org.gridauth.gsi.testing.GridTools;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's chromium, headless, driven by chromedriver: the browser of the system tests. */
final class Chromium {

    private Chromium() {
    }

    static WebDriver browser() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(GridTools.require("chromium", "chromium").toFile());
        // The portal's TLS certificate is from the suite's loopback services CA, which the browser does not know.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-extensions",
                "--disable-sync", "--no-first-run", "--ignore-certificate-errors", "--window-size=1280,1000", "--lang=en",
                "--user-data-dir=" + Files.createTempDirectory("chromium"));
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en"));
        options.setAcceptInsecureCerts(true);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(GridTools.require("chromedriver", "chromium-driver").toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Waits up to a minute for the condition; fails with the page it got stuck on. */
    static void until(WebDriver driver, Predicate<WebDriver> condition) throws InterruptedException {
        for (int i = 0; i < 600 && !condition.test(driver); i++) {
            Thread.sleep(100);
        }
        assertThat(condition.test(driver)).as("page reached; now at " + driver.getCurrentUrl() + ":\n" + driver.getPageSource()).isTrue();
    }
}
