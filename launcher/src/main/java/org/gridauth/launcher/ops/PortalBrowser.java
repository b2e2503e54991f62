package org.gridauth.launcher.ops;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A scripted browser for 'gridauth load sign-on' and 'license-id': a cookie jar, redirects followed, the discovery
 * service's choice, the IdP's login form and its auto-submitting SAML response form posted as a browser does, and
 * the portal's CSRF field copied from its page. One instance is one browser session.
 */
public final class PortalBrowser {

    /** One page: its URL, status and body. */
    public record Page(URI uri, int status, String body, HttpResponse<String> response) {
        String field(String name) {
            Matcher m = Pattern.compile("name=\"" + Pattern.quote(name) + "\"[^>]*value=\"([^\"]*)\"").matcher(body);
            if (m.find()) {
                return unescape(m.group(1));
            }
            m = Pattern.compile("value=\"([^\"]*)\"[^>]*name=\"" + Pattern.quote(name) + "\"").matcher(body);
            return m.find() ? unescape(m.group(1)) : null;
        }

        /** The text of the element with this id, tags stripped; null when there is none. */
        public String text(String id) {
            Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>(.*?)</", Pattern.DOTALL).matcher(body);
            return m.find() ? unescape(m.group(1).replaceAll("<[^>]+>", "").strip()) : null;
        }
    }

    private static final Pattern SAML_FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]*)\"");
    private static final Pattern DS_FORM = Pattern.compile("<form method=\"post\" action=\"ds\">(.*?)</form>", Pattern.DOTALL);
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">");

    private final HttpClient client;
    private final URI portal;

    public PortalBrowser(URI portal, Path trustDir) {
        this.portal = portal;
        // HTTP/1.1 as browsers speak it: the JDK client's default (HTTP/2) would put an h2c upgrade offer on every
        // request to the plain-HTTP IdP, which no browser sends.
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(GridTrust.withSystemRoots(trustDir))
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL)).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * The whole sign-on: the portal's login page, the discovery service (this IdP chosen), the IdP's login form,
     * the SAML response back to the portal, its home page. Fails naming the step that did not go as a browser's would.
     */
    public Page signIn(String idpEntityId, String username, char[] password) {
        Page login = get(portal.resolve("/login"));
        Matcher signIn = Pattern.compile("<a[^>]*id=\"sign-in\"[^>]*href=\"([^\"]*)\"|<a[^>]*href=\"([^\"]*)\"[^>]*id=\"sign-in\"").matcher(login.body());
        if (!signIn.find()) {
            throw new IllegalStateException("the portal's login page at " + login.uri() + " has no sign-in link (HTTP " + login.status() + ")");
        }
        Page ds = follow(get(login.uri().resolve(unescape(signIn.group(1) != null ? signIn.group(1) : signIn.group(2)))));
        Page idpLogin = follow(chooseIdp(ds, idpEntityId));
        if (!idpLogin.uri().getPath().endsWith("/idp/login")) {
            throw new IllegalStateException("expected the IdP's login page, got " + idpLogin.uri() + " (HTTP " + idpLogin.status() + ")");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("csrf", idpLogin.field("csrf"));
        form.put("username", username);
        form.put("password", new String(password));
        Page home = follow(post(idpLogin.uri(), form));
        if (home.status() != 200 || !home.uri().getPath().equals("/")) {
            throw new IllegalStateException("sign-on as " + username + " ended at " + home.uri() + " with HTTP " + home.status()
                    + (home.text("problem") != null ? ": " + home.text("problem") : ""));
        }
        return home;
    }

    /** A new license ID from the portal's license page (R-RA-2); the ID itself, shown once. */
    public String licenseId() {
        Page page = get(portal.resolve("/license"));
        Map<String, String> form = new LinkedHashMap<>();
        String csrf = page.field("_csrf");
        if (csrf != null) {
            form.put("_csrf", csrf);
        }
        Page issued = follow(post(portal.resolve("/license"), form));
        String id = issued.text("license-id");
        if (id == null) {
            throw new IllegalStateException("no license ID (HTTP " + issued.status() + (issued.text("problem") != null ? ": " + issued.text("problem") : "") + ")");
        }
        return id;
    }

    private Page chooseIdp(Page ds, String entityId) {
        Matcher form = DS_FORM.matcher(ds.body());
        while (form.find()) {
            String inner = form.group(1);
            if (inner.contains("value=\"" + escape(entityId) + "\"")) {
                Map<String, String> fields = new LinkedHashMap<>();
                Matcher hidden = HIDDEN.matcher(inner);
                while (hidden.find()) {
                    fields.put(hidden.group(1), unescape(hidden.group(2)));
                }
                fields.put("idp", entityId);
                return post(ds.uri().resolve("ds"), fields);
            }
        }
        throw new IllegalStateException("the discovery service at " + ds.uri() + " does not offer " + entityId + " (HTTP " + ds.status() + ")");
    }

    private Page follow(Page page) {
        Page current = page;
        for (int hops = 0; hops < 20; hops++) {
            if (current.status() >= 300 && current.status() < 400) {
                String location = current.response().headers().firstValue("Location")
                        .orElseThrow(() -> new IllegalStateException("a redirect without Location from " + page.uri()));
                current = get(current.uri().resolve(location));
                continue;
            }
            if (current.status() == 200 && current.body().contains("name=\"SAMLResponse\"")) {
                Matcher action = SAML_FORM_ACTION.matcher(current.body());
                if (!action.find()) {
                    throw new IllegalStateException("a SAML response page without a form at " + current.uri());
                }
                Map<String, String> form = new LinkedHashMap<>();
                form.put("SAMLResponse", current.field("SAMLResponse"));
                if (current.field("RelayState") != null) {
                    form.put("RelayState", current.field("RelayState"));
                }
                current = post(current.uri().resolve(unescape(action.group(1))), form);
                continue;
            }
            return current;
        }
        throw new IllegalStateException("more than 20 redirects, at " + current.uri());
    }

    private Page get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    private Page post(URI uri, Map<String, String> form) {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue() == null ? "" : e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Page send(HttpRequest.Builder builder) {
        HttpRequest request = builder.header("Accept-Language", "en").timeout(Duration.ofSeconds(60)).build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Page(request.uri(), response.statusCode(), response.body(), response);
        } catch (IOException e) {
            // The URI only: a form body can hold a password.
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String unescape(String html) {
        Matcher m = Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|amp|quot|lt|gt|apos);").matcher(html);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String entity = m.group(1);
            String replacement = switch (entity) {
                case "amp" -> "&";
                case "quot" -> "\"";
                case "lt" -> "<";
                case "gt" -> ">";
                case "apos" -> "'";
                default -> new String(Character.toChars(entity.startsWith("#x") ? Integer.parseInt(entity.substring(2), 16)
                        : Integer.parseInt(entity.substring(1))));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
