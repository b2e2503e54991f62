package org.gridauth.ra.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.springframework.web.util.HtmlUtils;

/**
 * A scripted browser for the portal and the IdP: cookies, redirects followed by hand (so each hop can be checked),
 * the IdP's auto-submitting SAML form posted like a browser would, CSRF fields copied from the page.
 */
public final class WebClient {

    /** One page: final URL, status and body. */
    public record Page(URI uri, int status, String body, HttpResponse<String> response) {
        public String field(String name) {
            Matcher m = Pattern.compile("name=\"" + Pattern.quote(name) + "\"[^>]*value=\"([^\"]*)\"").matcher(body);
            if (m.find()) {
                return HtmlUtils.htmlUnescape(m.group(1));
            }
            m = Pattern.compile("value=\"([^\"]*)\"[^>]*name=\"" + Pattern.quote(name) + "\"").matcher(body);
            return m.find() ? HtmlUtils.htmlUnescape(m.group(1)) : null;
        }

        /** Text content of the element with this id (tags stripped), or null. */
        public String text(String id) {
            Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>(.*?)</", Pattern.DOTALL).matcher(body);
            return m.find() ? HtmlUtils.htmlUnescape(m.group(1).replaceAll("<[^>]+>", "").strip()) : null;
        }

        /** The href of the element with this id. */
        public String href(String id) {
            Matcher m = Pattern.compile("<a[^>]*id=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(body);
            if (!m.find()) {
                return null;
            }
            Matcher h = Pattern.compile("href=\"([^\"]*)\"").matcher(m.group());
            return h.find() ? HtmlUtils.htmlUnescape(h.group(1)) : null;
        }
    }

    private final String portalBase;
    private final String idpEntityId;
    private final HttpClient client;
    private final String language;

    WebClient(Testbed testbed, String language) {
        this(testbed.portalBase(), testbed.idpEntityId(), testbed.peers.pki.ca().certificate(), language);
    }

    /** A browser for a portal at {@code portalBase} signing on at the IdP {@code idpEntityId}, trusting {@code ca} for HTTPS. */
    public WebClient(String portalBase, String idpEntityId, java.security.cert.X509Certificate ca, String language) {
        this.portalBase = portalBase;
        this.idpEntityId = idpEntityId;
        this.language = language;
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            this.client = HttpClient.newBuilder().sslContext(context).cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                    .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Page get(String urlOrPath) {
        return send(HttpRequest.newBuilder(resolve(urlOrPath)).GET());
    }

    public Page post(String urlOrPath, Map<String, String> form) {
        return send(HttpRequest.newBuilder(resolve(urlOrPath)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))));
    }

    /** Raw bytes for a form body (wrong-encoding tests). */
    public Page postBytes(String urlOrPath, byte[] body) {
        return send(HttpRequest.newBuilder(resolve(urlOrPath)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** Submits a portal form: the page's CSRF token plus the given fields. */
    public Page submit(Page page, String path, Map<String, String> fields) {
        Map<String, String> form = new LinkedHashMap<>(fields);
        String csrf = page.field("_csrf");
        if (csrf != null) {
            form.put("_csrf", csrf);
        }
        return follow(post(path, form));
    }

    public Page follow(Page page) {
        Page current = page;
        for (int hops = 0; hops < 20; hops++) {
            if (current.status() >= 300 && current.status() < 400) {
                String location = current.response().headers().firstValue("Location").orElseThrow();
                current = get(current.uri().resolve(location).toString());
                continue;
            }
            if (current.status() == 200 && current.body().contains("name=\"SAMLResponse\"")) {
                Matcher m = Pattern.compile("<form[^>]*action=\"([^\"]*)\"").matcher(current.body());
                if (!m.find()) {
                    throw new IllegalStateException("a SAML response page without a form: " + current.body());
                }
                Map<String, String> form = new LinkedHashMap<>();
                form.put("SAMLResponse", current.field("SAMLResponse"));
                if (current.field("RelayState") != null) {
                    form.put("RelayState", current.field("RelayState"));
                }
                current = post(HtmlUtils.htmlUnescape(m.group(1)), form);
                continue;
            }
            return current;
        }
        throw new IllegalStateException("too many redirects, at " + current.uri());
    }

    /**
     * The whole sign-on: portal login page -> discovery service (choose the IdP) -> portal -> IdP login -> SAML
     * response to the portal -> home page.
     */
    public Page signIn(String username, String password) {
        Page login = get("/login");
        Page ds = follow(get(login.href("sign-in")));
        Page back = follow(chooseIdp(ds, idpEntityId));
        return follow(idpLogin(back, username, password));
    }

    /** On the discovery page, press the button of this IdP. */
    public Page chooseIdp(Page ds, String entityId) {
        Matcher form = Pattern.compile("<form method=\"post\" action=\"ds\">(.*?)</form>", Pattern.DOTALL).matcher(ds.body());
        while (form.find()) {
            String inner = form.group(1);
            if (inner.contains("value=\"" + HtmlUtils.htmlEscape(entityId) + "\"")) {
                Map<String, String> fields = new LinkedHashMap<>();
                Matcher hidden = Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">").matcher(inner);
                while (hidden.find()) {
                    fields.put(hidden.group(1), HtmlUtils.htmlUnescape(hidden.group(2)));
                }
                fields.put("idp", entityId);
                return post(ds.uri().resolve("ds").toString(), fields);
            }
        }
        throw new IllegalStateException("the discovery page offers no " + entityId + ": " + ds.body());
    }

    /** On the IdP's login page: username and password. */
    public Page idpLogin(Page loginPage, String username, String password) {
        if (!loginPage.uri().getPath().equals("/idp/login")) {
            throw new IllegalStateException("expected the IdP login page, got " + loginPage.uri() + " " + loginPage.status() + ": " + loginPage.body());
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("csrf", loginPage.field("csrf"));
        form.put("username", username);
        form.put("password", password);
        return post(loginPage.uri().toString(), form);
    }

    private URI resolve(String urlOrPath) {
        return urlOrPath.startsWith("http") ? URI.create(urlOrPath) : URI.create(portalBase + urlOrPath);
    }

    private Page send(HttpRequest.Builder builder) {
        HttpRequest request = builder.header("Accept-Language", language).timeout(Duration.ofSeconds(60)).build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Page(request.uri(), response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public byte[] download(String path) {
        try {
            return client.send(HttpRequest.newBuilder(resolve(path)).header("Accept-Language", language).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue() == null ? "" : e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}
