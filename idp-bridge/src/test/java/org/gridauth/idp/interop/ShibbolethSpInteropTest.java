package org.gridauth.idp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.gridauth.gsi.testing.GridTools;
import org.gridauth.idp.IdpApplication;
import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.testing.Browser;
import org.gridauth.idp.testing.ShibbolethSp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The IdP with the real Shibboleth SP (shibd + Apache mod_shib) protecting a page on loopback. */
@SpringBootTest(classes = IdpApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShibbolethSpInteropTest {

    static final Path DIR;
    static final int PORT;
    static final ShibbolethSp SP;

    static {
        try {
            OpenSaml.init();
            DIR = Files.createTempDirectory("idp-shib");
            try (ServerSocket socket = new ServerSocket(0)) {
                PORT = socket.getLocalPort();
            }
            SP = ShibbolethSp.prepare(DIR);
            Files.writeString(DIR.resolve("release.yaml"), """
                    default: []
                    sps:
                      https://sp.interop.test/shibboleth: [sn, givenName, hpciId, eduPersonPrincipalName, eduPersonEntitlement, o, ou, jao, jaou]
                    """);
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("gridauth.idp.base-url", () -> "http://127.0.0.1:" + PORT);
        registry.add("gridauth.idp.home", () -> DIR.resolve("idp-home").toString());
        registry.add("gridauth.idp.release-policy", () -> DIR.resolve("release.yaml").toString());
        registry.add("gridauth.idp.sp-metadata[0]", () -> {
            try {
                return SP.sp.writeMetadata(DIR).toString();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @BeforeAll
    void startSp() throws Exception {
        String idpBase = "http://127.0.0.1:" + PORT;
        String metadata = new Browser(idpBase).get("/idp/shibboleth").body();
        SP.start(idpBase + "/ds", metadata);
    }

    @AfterAll
    void stopSp() throws IOException {
        SP.close();
    }

    @Test
    @DisplayName("R-IDP-1, R-IDP-2, R-IDP-3, R-DS-1, R-RA-1: Shibboleth SP -> DS -> IdP login -> SP page shows sn, givenName, HPCI-ID, ePPN, entitlement and never o/ou/jao/jaou")
    void signOnThroughShibbolethSp() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        IdpAnswer answer = idpAnswer(browser);
        String acs = answer.acs();
        Map<String, String> form = answer.form();
        HttpResponse<String> atSp = post(browser, acs, form);
        assertThat(atSp.statusCode()).as(atSp.body() + SP.shibdLog()).isEqualTo(302);

        HttpResponse<String> page = get(browser, atSp.headers().firstValue("Location").map(l -> l.startsWith("/") ? SP.baseUrl() + l : l).orElseThrow());
        assertThat(page.statusCode()).isEqualTo(200);
        Map<String, String> env = page.body().lines().filter(l -> l.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1), (a, b) -> a));
        assertThat(env).containsEntry("sn", "Yamada").containsEntry("givenName", "Taro").containsEntry("hpciId", "hpci000001")
                .containsEntry("eppn", "taro@hpci.example.jp").containsEntry("entitlement", "urn:mace:hpci.example.jp:entitlement:grid-user")
                .containsEntry("REMOTE_USER", "taro@hpci.example.jp")
                .containsEntry("Shib_Identity_Provider", "http://127.0.0.1:" + PORT + "/idp/shibboleth");
        assertThat(env).doesNotContainKeys("o", "ou", "jao", "jaou");
        assertThat(env.get("persistent_id")).startsWith("http://127.0.0.1:" + PORT + "/idp/shibboleth!" + SP.sp.entityId + "!");
    }

    @Test
    @DisplayName("R-DS-1, R-IDP-1, R-IDP-3: a real browser (Debian chromium driven by Selenium) goes DS -> IdP login in Japanese -> Shibboleth SP page")
    void browserThroughDiscoveryAndLogin() throws Exception {
        Path chromium = Files.isExecutable(Path.of("/usr/bin/chromium")) ? Path.of("/usr/bin/chromium") : GridTools.require("chromium", "chromium");
        Path driverBinary = Files.isExecutable(Path.of("/usr/bin/chromedriver")) ? Path.of("/usr/bin/chromedriver")
                : GridTools.require("chromedriver", "chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=ja", "--user-data-dir=" + Files.createTempDirectory("chromium"));
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "ja"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.toFile()).usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        try {
            Waiter wait = condition -> {
                for (int i = 0; i < 200 && !condition.test(driver); i++) {
                    Thread.sleep(100);
                }
                assertThat(condition.test(driver)).as("page reached; now at " + driver.getCurrentUrl()).isTrue();
            };
            driver.get(SP.baseUrl() + "/secure/env.cgi");
            wait.until(d -> d.getCurrentUrl().contains("/ds?"));
            assertThat(driver.findElement(By.tagName("h1")).getText()).contains("IdP");
            driver.findElement(By.id("q")).sendKeys("ＨＰＣＩ");
            driver.findElement(By.cssSelector("form[method=get] button")).click();
            wait.until(d -> d.getCurrentUrl().contains("q="));
            driver.findElement(By.cssSelector("#idps button")).click();

            wait.until(d -> d.getCurrentUrl().contains("/idp/login"));
            assertThat(driver.getPageSource()).contains("パスワード");
            driver.findElement(By.id("username")).sendKeys("taro");
            driver.findElement(By.id("password")).sendKeys("taro-demo-Pass1");
            driver.findElement(By.id("login")).click();

            wait.until(d -> d.getCurrentUrl().startsWith(SP.baseUrl() + "/secure/env.cgi"));
            String page = driver.findElement(By.tagName("body")).getText();
            assertThat(page).contains("eppn=taro@hpci.example.jp", "sn=Yamada", "givenName=Taro", "hpciId=hpci000001",
                    "REMOTE_USER=taro@hpci.example.jp");
            assertThat(page.lines()).noneMatch(l -> l.startsWith("o=") || l.startsWith("ou=") || l.startsWith("jao=") || l.startsWith("jaou="));

            // The DS remembers the choice: the next discovery request goes straight back to the SP, no list.
            driver.get("http://127.0.0.1:" + PORT + "/ds?entityID=" + URLEncoder.encode(SP.sp.entityId, StandardCharsets.UTF_8));
            wait.until(d -> d.getCurrentUrl().startsWith(SP.baseUrl()));
        } finally {
            driver.quit();
        }
    }

    /** What the IdP's POST form sends to the SP: the ACS URL and the form fields. */
    private record IdpAnswer(String acs, Map<String, String> form) {
    }

    /** Shibboleth SP -> DS -> IdP login as taro, up to the IdP's answer (not yet posted to the SP). */
    private static IdpAnswer idpAnswer(HttpClient browser) throws Exception {
        HttpResponse<String> protectedPage = get(browser, SP.baseUrl() + "/secure/env.cgi");
        assertThat(protectedPage.statusCode()).isEqualTo(302);
        String toDs = protectedPage.headers().firstValue("Location").orElseThrow();
        assertThat(toDs).startsWith("http://127.0.0.1:" + PORT + "/ds?entityID=");
        HttpResponse<String> dsPage = get(browser, toDs);
        assertThat(dsPage.statusCode()).isEqualTo(200);
        assertThat(dsPage.body()).contains("HPCI Account IdP");
        Map<String, String> choice = new LinkedHashMap<>();
        for (String name : new String[] {"entityID", "return", "returnIDParam", "policy"}) {
            String value = Browser.field(dsPage.body(), name);
            if (value != null) {
                choice.put(name, value);
            }
        }
        choice.put("idp", "http://127.0.0.1:" + PORT + "/idp/shibboleth");
        HttpResponse<String> chosen = post(browser, "http://127.0.0.1:" + PORT + "/ds", choice);
        assertThat(chosen.statusCode()).isEqualTo(302);
        HttpResponse<String> spLogin = get(browser, chosen.headers().firstValue("Location").orElseThrow());
        assertThat(spLogin.statusCode()).as(spLogin.body()).isEqualTo(302);
        String toIdp = spLogin.headers().firstValue("Location").orElseThrow();
        assertThat(toIdp).startsWith("http://127.0.0.1:" + PORT + "/idp/profile/SAML2/Redirect/SSO?SAMLRequest=");

        assertThat(get(browser, toIdp).headers().firstValue("Location")).hasValue("/idp/login");
        HttpResponse<String> loginPage = get(browser, "http://127.0.0.1:" + PORT + "/idp/login");
        HttpResponse<String> answer = post(browser, "http://127.0.0.1:" + PORT + "/idp/login",
                Map.of("csrf", Browser.field(loginPage.body(), "csrf"), "username", "taro", "password", "taro-demo-Pass1"));
        assertThat(answer.statusCode()).isEqualTo(200);
        String acs = Browser.formAction(answer.body());
        assertThat(acs).isEqualTo(SP.baseUrl() + "/Shibboleth.sso/SAML2/POST");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("SAMLResponse", Browser.field(answer.body(), "SAMLResponse"));
        form.put("RelayState", Browser.field(answer.body(), "RelayState"));
        return new IdpAnswer(acs, form);
    }

    @Test
    @DisplayName("R-IDP-1: shibd refuses the IdP's Response with its signature removed, the only signature when the SP's metadata does not ask for signed assertions")
    void unsignedResponseRefused() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        IdpAnswer answer = idpAnswer(browser);
        String xml = new String(java.util.Base64.getDecoder().decode(answer.form().get("SAMLResponse")), StandardCharsets.UTF_8);
        assertThat(xml).contains("EncryptedAssertion");
        String stripped = xml.replaceFirst("(?s)<ds:Signature[ >].*?</ds:Signature>", "");
        assertThat(stripped).isNotEqualTo(xml).doesNotContain("<ds:Signature");
        Map<String, String> form = new LinkedHashMap<>(answer.form());
        form.put("SAMLResponse", java.util.Base64.getEncoder().encodeToString(stripped.getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> atSp = post(browser, answer.acs(), form);
        assertThat(atSp.statusCode()).as(atSp.body()).isNotEqualTo(302);
        // No session was made: the protected page still sends the browser away to sign in.
        assertThat(get(browser, SP.baseUrl() + "/secure/env.cgi").statusCode()).isEqualTo(302);
    }

    /** Waits up to 20 s for the browser to reach a state. */
    private interface Waiter {
        void until(java.util.function.Predicate<WebDriver> condition) throws InterruptedException;
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient client, String url, Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
