package org.gridauth.idp.policy;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code return} rule of the IdP Discovery protocol: the URL must be one of the requesting SP's
 * DiscoveryResponse locations in metadata (compared without the query string, which the SP may vary), and the
 * chosen entityID is appended as {@code returnIDParam} (default {@code entityID}).
 */
public final class DiscoveryReturn {

    private DiscoveryReturn() {
    }

    public static boolean allowed(String returnUrl, List<String> discoveryResponses) {
        String base = withoutQuery(returnUrl);
        if (base == null) {
            return false;
        }
        return discoveryResponses.stream().map(DiscoveryReturn::withoutQuery).anyMatch(base::equals);
    }

    private static String withoutQuery(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || uri.getHost() == null || uri.getFragment() != null) {
                return null;
            }
            String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http")) {
                return null;
            }
            return scheme + "://" + uri.getRawAuthority().toLowerCase(java.util.Locale.ROOT) + (uri.getRawPath() == null ? "" : uri.getRawPath());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            return null;
        }
    }

    /** The return URL with the chosen IdP appended, or unchanged when no IdP was chosen (passive without a choice). */
    public static String build(String returnUrl, String returnIdParam, String idpEntityId) {
        if (idpEntityId == null) {
            return returnUrl;
        }
        String param = returnIdParam == null || returnIdParam.isBlank() ? "entityID" : returnIdParam;
        return returnUrl + (returnUrl.contains("?") ? "&" : "?") + URLEncoder.encode(param, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(idpEntityId, StandardCharsets.UTF_8);
    }
}
