package org.gridauth.idp.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.web.util.HtmlUtils;

/** A minimal browser for the IdP's pages: keeps cookies, does not follow redirects, reads hidden form fields. */
public final class Browser {

    private final HttpClient client;
    private final String base;

    public Browser(String base) {
        this.base = base;
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        this.client = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).header("Accept-Language", "en").GET().build());
    }

    public HttpResponse<String> getWithLanguage(String pathAndQuery, String language) {
        return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).header("Accept-Language", language).GET().build());
    }

    public HttpResponse<String> post(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept-Language", "en").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of a hidden input, or null. */
    public static String field(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\"").matcher(html);
        return m.find() ? HtmlUtils.htmlUnescape(m.group(1)) : null;
    }

    /** The action of the first form, or null. */
    public static String formAction(String html) {
        Matcher m = Pattern.compile("<form method=\"post\" action=\"([^\"]*)\"").matcher(html);
        return m.find() ? HtmlUtils.htmlUnescape(m.group(1)) : null;
    }
}
