package org.gridauth.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.TlsKeys;
import org.gridauth.gsi.testing.GridTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;

/**
 * Security checks against the running suite (issue #11 item 5), from outside, as an attacker on the network would
 * probe it: Debian's {@code openssl s_client} against every TLS listener, plain HTTP clients against the portal and
 * the IdP for their security headers, the admin console and CSRF, and the CA's RA link with certificates that are
 * not the RA's.
 */
@ExtendWith(SharedSuite.class)
class SecurityChecksTest {

    private static final String TARO_PASSWORD = "taro-demo-Pass1";
    private static final String SESSION_COOKIE = "GRIDAUTH_RA_SESSION";

    private static RunningSuite suite;

    @BeforeAll
    static void up(RunningSuite running) {
        GridTools.require("openssl", "openssl");
        suite = running;
    }

    /**
     * Every TLS listener of the suite, with the client credential it needs for a complete handshake (the RA link and
     * the certificate manager require one), so that the only reason a probe can fail is the version or the suite.
     */
    static Stream<Arguments> tlsEndpoints() {
        return Stream.of(
                Arguments.of("RA portal", "port.ra-portal", null),
                Arguments.of("CA repository (https)", "port.ca-repository-https", null),
                Arguments.of("CA RA link", "port.ca-ra", "grid-security/ra/racert.pem grid-security/ra/rakey.pem"),
                Arguments.of("certificate manager", "port.cert-manager", "grid-security/portal/portalcert.pem grid-security/portal/portalkey.pem"),
                // MyProxy speaks TLS at once (the GSI delegation flag '0' comes after the handshake), so s_client
                // probes it as it is; a client certificate is asked for but not required.
                Arguments.of("MyProxy repository", "port.myproxy", null));
    }

    @ParameterizedTest(name = "R-RA-10, R-CA-1, R-MP-1: the {0} refuses TLS 1.0 and TLS 1.1")
    @MethodSource("tlsEndpoints")
    void oldTlsVersionsAreRefused(String name, String portKey, String client) {
        // @SECLEVEL=0: Debian's OpenSSL would not even offer TLS 1.0/1.1 at its default level, and a probe that
        // never reaches the server proves nothing; refused() checks that a ClientHello went out.
        refused(name, s_client(portKey, client, "-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"));
        refused(name, s_client(portKey, client, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"));
    }

    @ParameterizedTest(name = "R-RA-10, R-CA-1, R-MP-1: the {0} refuses weak TLS 1.2 suites (RC4, 3DES, NULL, EXPORT, DES, MD5, no forward secrecy, CBC)")
    @MethodSource("tlsEndpoints")
    void weakSuitesAreRefused(String name, String portKey, String client) {
        refused(name, s_client(portKey, client, "-tls1_2", "-cipher", "RC4:3DES:NULL:EXPORT:DES:MD5:aNULL:eNULL:@SECLEVEL=0"));
        // RSA key exchange: a recorded session can be decrypted later with the server's key.
        refused(name, s_client(portKey, client, "-tls1_2", "-cipher", "kRSA:@SECLEVEL=0"));
        // CBC-mode suites (Lucky13-style padding oracles): only AEAD ciphers are allowed.
        refused(name, s_client(portKey, client, "-tls1_2", "-cipher", "ALL:!AESGCM:!CHACHA20:!AESCCM:@SECLEVEL=0"));
    }

    @ParameterizedTest(name = "R-RA-10, R-CA-1, R-MP-1: the {0} completes TLS 1.2 with ECDHE and AES-GCM, and TLS 1.3")
    @MethodSource("tlsEndpoints")
    void strongTlsSucceeds(String name, String portKey, String client) {
        GridTools.Result tls12 = s_client(portKey, client, "-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256",
                "-verify_return_error", "-CAfile", suite.home.resolve("loopback-ca/cacert.pem").toString());
        assertThat(tls12.exitCode()).as(name + " over TLS 1.2:\n" + tls12.all()).isZero();
        assertThat(tls12.all()).as(name).containsPattern("New, TLSv1\\.2, Cipher is ECDHE-RSA-AES(128|256)-GCM-SHA(256|384)");
        GridTools.Result tls13 = s_client(portKey, client, "-tls1_3", "-verify_return_error", "-CAfile", suite.home.resolve("loopback-ca/cacert.pem").toString());
        assertThat(tls13.exitCode()).as(name + " over TLS 1.3:\n" + tls13.all()).isZero();
        assertThat(tls13.all()).as(name).containsPattern("New, TLSv1\\.3, Cipher is TLS_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)");
    }

    @Test
    @DisplayName("R-RA-10: the portal's pages carry CSP, HSTS, nosniff, frame protection and no referrer, signed in or not")
    void portalSecurityHeaders() throws Exception {
        HttpClient client = client(null, null);
        portalHeaders(get(client, suite.portalBase() + "/login", Map.of()));
        String session = signIn("taro", TARO_PASSWORD);
        HttpResponse<String> home = get(client, suite.portalBase() + "/", Map.of("Cookie", SESSION_COOKIE + "=" + session));
        assertThat(home.statusCode()).as("taro's home page").isEqualTo(200);
        portalHeaders(home);
        portalHeaders(get(client, suite.portalBase() + "/admin", Map.of("Cookie", SESSION_COOKIE + "=" + session)));
    }

    @Test
    @DisplayName("R-IDP-1, R-IDP-4: the IdP's login page forbids framing, caching, content sniffing and referrers, and loads nothing from elsewhere")
    void idpLoginPageHeaders() throws Exception {
        // As a browser gets there: the portal's discovery return sends it to the IdP with an AuthnRequest.
        HttpClient client = client(null, new CookieManager());
        String entity = URLEncoder.encode(suite.idpEntityId(), StandardCharsets.UTF_8);
        HttpResponse<String> page = follow(client, suite.portalBase() + "/login/ds?entityID=" + entity);
        assertThat(page.uri().getPath()).as(page.body()).isEqualTo("/idp/login");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("name=\"password\"");
        String csp = header(page, "Content-Security-Policy");
        assertThat(csp).contains("default-src 'none'").contains("frame-ancestors 'none'").contains("form-action 'self'").doesNotContain("script-src");
        assertThat(header(page, "X-Frame-Options")).isEqualToIgnoringCase("DENY");
        assertThat(header(page, "Cache-Control")).contains("no-store");
        assertThat(header(page, "X-Content-Type-Options")).isEqualToIgnoringCase("nosniff");
        assertThat(header(page, "Referrer-Policy")).isEqualTo("no-referrer");
    }

    @Test
    @DisplayName("R-RA-5, R-RA-11: a researcher signed in to the portal gets 403 from the admin console, and a form sent without its CSRF token is refused")
    void adminConsoleRefusesResearchers() throws Exception {
        String session = signIn("taro", TARO_PASSWORD);
        HttpClient client = client(null, null);
        Map<String, String> cookie = Map.of("Cookie", SESSION_COOKIE + "=" + session);
        // The session is good: the researcher's own pages open, with the CSRF token of the session in their forms.
        HttpResponse<String> own = get(client, suite.portalBase() + "/license", cookie);
        assertThat(own.statusCode()).isEqualTo(200);
        Matcher token = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(own.body());
        assertThat(token.find()).as("a CSRF token in the license page's form").isTrue();
        for (String path : List.of("/admin", "/admin/settings", "/admin/access-log", "/admin/host-requests")) {
            HttpResponse<String> admin = get(client, suite.portalBase() + path, cookie);
            assertThat(admin.statusCode()).as("GET " + path + " as taro").isEqualTo(403);
            assertThat(admin.body()).as(path).contains("GA-RA-003").doesNotContain("Exception").doesNotContain("id=\"q\"");
        }
        // With a valid token, so that it is the role that refuses: a researcher cannot revoke.
        HttpResponse<String> revoke = post(client, "/admin/revoke", session, "hpciId=hpci000002&serial=01&reason=keyCompromise&_csrf=" + token.group(1));
        assertThat(revoke.statusCode()).as("POST /admin/revoke as taro").isEqualTo(403);
        assertThat(revoke.body()).contains("GA-RA-003");
        // CSRF: the researcher's own form, posted without the token its page carries, never reaches the controller.
        HttpResponse<String> license = post(client, "/license", session, "");
        assertThat(license.statusCode()).as("POST /license without _csrf").isEqualTo(403);
        assertThat(license.body()).contains("GA-RA-033").doesNotContain("id=\"license-id\"");
        // Each refusal is in the access log (R-RA-9), with who and why.
        String access = Files.readString(suite.home.resolve("ra-portal/access.jsonl"));
        assertThat(access.lines().filter(l -> l.contains("\"hpciId\":\"hpci000001\"") && l.contains("\"result\":\"DENIED\"")))
                .anyMatch(l -> l.contains("GET /admin/settings: GA-RA-003"))
                .anyMatch(l -> l.contains("POST /admin/revoke: GA-RA-003"))
                .anyMatch(l -> l.contains("POST /license: GA-RA-033"));
    }

    private static HttpResponse<String> post(HttpClient client, String path, String session, String form) throws Exception {
        return send(client, HttpRequest.newBuilder(URI.create(suite.portalBase() + path)).header("Cookie", SESSION_COOKIE + "=" + session)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    @Test
    @DisplayName("R-CA-1: the CA's RA link refuses a client without a certificate and clients whose certificates are not a configured RA's; nothing is issued")
    void raLinkRefusesAnyoneButTheRa() throws Exception {
        String raLink = "https://localhost:" + suite.port("port.ca-ra");
        List<X509Certificate> anchors = CredentialFiles.readCertificates(suite.home.resolve("loopback-ca/cacert.pem"));
        String issuedBefore = issuedLines(suite.log());

        // The RA itself gets an answer: the refusals below are about who calls, not a broken listener.
        Credential ra = CredentialFiles.readUserCredential(suite.home.resolve("grid-security/ra/racert.pem"),
                suite.home.resolve("grid-security/ra/rakey.pem"), null);
        HttpResponse<String> asRa = send(client(TlsKeys.clientContext(ra, anchors), null),
                HttpRequest.newBuilder(URI.create(raLink + "/v1/certificates/01")).GET().build());
        assertThat(asRa.statusCode()).as("the RA asking for a certificate's status: " + asRa.body()).isNotEqualTo(403).isLessThan(500);

        // A site's credential (same loopback CA as the RA) and a researcher's from the grid CA.
        Credential site = CredentialFiles.readUserCredential(suite.home.resolve("grid-security/site/sitecert.pem"),
                suite.home.resolve("grid-security/site/sitekey.pem"), null);
        char[] passphrase = Files.readString(suite.home.resolve("demo-user/passphrase.txt")).strip().toCharArray();
        Credential researcher = CredentialFiles.readUserCredential(suite.home.resolve("demo-user/usercert.pem"),
                suite.home.resolve("demo-user/userkey.pem"), passphrase);
        List<SSLContext> strangers = List.of(noClientCertificate(anchors), TlsKeys.clientContext(site, anchors), TlsKeys.clientContext(researcher, anchors));
        String csr = "{\"profile\":\"client\",\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\\nMIIB\\n-----END CERTIFICATE REQUEST-----\\n\"}";
        for (SSLContext stranger : strangers) {
            for (String path : List.of("/v1/issue", "/v1/revoke")) {
                Object outcome;
                try {
                    outcome = client(stranger, null).send(HttpRequest.newBuilder(URI.create(raLink + path)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(csr)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                } catch (IOException handshakeRefused) {
                    outcome = handshakeRefused;
                }
                // The handshake refuses strangers; if one got through, the handler's own check must answer 403.
                if (outcome instanceof HttpResponse<?> response) {
                    assertThat(response.statusCode()).as("POST " + path + " by a stranger: " + response.body()).isEqualTo(403);
                }
            }
        }
        // The CA says why, naming who was refused; and it issued nothing.
        String log = awaitLog(l -> l.contains("refused client /C=JP/O=GridAuth Demo/OU=Loopback Services/CN=site-gridmap")
                && l.contains("refused client /C=JP/O=GridAuth Demo/OU=Users/CN=Shiro Tanaka hpci900001"));
        assertThat(log).contains("refused client /C=JP/O=GridAuth Demo/OU=Loopback Services/CN=site-gridmap")
                .contains("refused client /C=JP/O=GridAuth Demo/OU=Users/CN=Shiro Tanaka hpci900001");
        assertThat(issuedLines(log)).as("certificates issued by the CA").isEqualTo(issuedBefore);
    }

    // --- TLS probes ---

    private static GridTools.Result s_client(String portKey, String client, String... options) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "localhost:" + suite.port(portKey), "-servername", "localhost"));
        if (client != null) {
            String[] files = client.split(" ");
            command.addAll(List.of("-cert", suite.home.resolve(files[0]).toString(), "-key", suite.home.resolve(files[1]).toString()));
        }
        command.addAll(List.of(options));
        // Empty standard input: s_client ends after the handshake.
        return GridTools.run(command, Map.of(), "", Duration.ofSeconds(30));
    }

    /** The handshake failed at the server, after s_client really sent its offer. */
    private static void refused(String name, GridTools.Result probe) {
        String all = probe.all();
        assertThat(all).as(name + ": the probe reached the server").contains("CONNECTED(").doesNotContain("no cipher match")
                .doesNotContain("no protocols available").doesNotContain("Connection refused");
        assertThat(probe.exitCode()).as(name + ": the handshake failed:\n" + all).isNotZero();
        assertThat(all).as(name + ": no cipher was agreed:\n" + all).contains("Cipher is (NONE)");
    }

    // --- HTTP ---

    private static void portalHeaders(HttpResponse<String> page) {
        String csp = header(page, "Content-Security-Policy");
        assertThat(csp).as(page.uri() + " CSP").contains("default-src 'self'").contains("script-src 'self'").contains("frame-ancestors 'none'")
                .contains("object-src 'none'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        Matcher maxAge = Pattern.compile("max-age=(\\d+)").matcher(header(page, "Strict-Transport-Security"));
        assertThat(maxAge.find()).as(page.uri() + " HSTS").isTrue();
        assertThat(Long.parseLong(maxAge.group(1))).as(page.uri() + " HSTS max-age").isGreaterThanOrEqualTo(31_536_000L);
        assertThat(header(page, "X-Content-Type-Options")).as(page.uri().toString()).isEqualToIgnoringCase("nosniff");
        assertThat(header(page, "X-Frame-Options")).as(page.uri().toString()).isEqualToIgnoringCase("DENY");
        assertThat(header(page, "Referrer-Policy")).as(page.uri().toString()).isIn("no-referrer", "same-origin", "strict-origin");
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError(response.uri() + " has no " + name + " header: " + response.headers().map()));
    }

    /**
     * Clients trust the suite's loopback services CA, as the services do, so every check also shows the endpoint's
     * certificate is good; redirects are followed by {@link #follow} (the JDK will not go from https to http).
     */
    private static HttpClient client(SSLContext tls, CookieManager cookies) throws Exception {
        SSLContext context = tls != null ? tls : noClientCertificate(CredentialFiles.readCertificates(suite.home.resolve("loopback-ca/cacert.pem")));
        HttpClient.Builder builder = HttpClient.newBuilder().sslContext(context).followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10));
        if (cookies != null) {
            builder.cookieHandler(cookies);
        }
        return builder.build();
    }

    private static SSLContext noClientCertificate(List<X509Certificate> anchors) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, TlsKeys.trusting(anchors), null);
        return context;
    }

    private static HttpResponse<String> get(HttpClient client, String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        headers.forEach(request::header);
        return send(client, request.build());
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> follow(HttpClient client, String url) throws Exception {
        URI uri = URI.create(url);
        for (int hop = 0; hop < 10; hop++) {
            HttpResponse<String> response = send(client, HttpRequest.newBuilder(uri).GET().build());
            if (response.statusCode() / 100 != 3) {
                return response;
            }
            uri = uri.resolve(header(response, "Location"));
        }
        throw new AssertionError("more than 10 redirects from " + url);
    }

    /** Signs in with SAML in chromium, as ScenarioATest does, and returns the portal's session cookie. */
    private static String signIn(String user, String password) throws Exception {
        WebDriver browser = Chromium.browser();
        try {
            browser.get(suite.portalBase() + "/");
            Chromium.until(browser, d -> d.getCurrentUrl().contains("/login") || d.getCurrentUrl().contains("/ds"));
            if (!browser.findElements(By.id("sign-in")).isEmpty()) {
                browser.findElement(By.id("sign-in")).click();
            }
            Chromium.until(browser, d -> d.getCurrentUrl().contains("/ds?"));
            browser.findElement(By.cssSelector("button[value='" + suite.idpEntityId() + "']")).click();
            Chromium.until(browser, d -> d.getCurrentUrl().contains("/idp/login"));
            browser.findElement(By.id("username")).sendKeys(user);
            browser.findElement(By.id("password")).sendKeys(password);
            browser.findElement(By.id("login")).click();
            Chromium.until(browser, d -> d.getCurrentUrl().replaceFirst("\\?.*", "").equals(suite.portalBase() + "/"));
            Cookie session = browser.manage().getCookieNamed(SESSION_COOKIE);
            assertThat(session).as("the portal's session cookie after signing in").isNotNull();
            return session.getValue();
        } finally {
            browser.quit();
        }
    }

    // --- the CA's output ---

    private static String issuedLines(String log) {
        StringBuilder issued = new StringBuilder();
        log.lines().filter(l -> l.contains("IssuanceService") && l.contains(" issued ")).forEach(l -> issued.append(l).append('\n'));
        return issued.toString();
    }

    private static String awaitLog(java.util.function.Predicate<String> condition) throws Exception {
        String log = suite.log();
        for (int i = 0; i < 50 && !condition.test(log); i++) {
            Thread.sleep(100);
            log = suite.log();
        }
        return log;
    }
}
