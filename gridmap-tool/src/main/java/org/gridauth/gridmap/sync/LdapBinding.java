package org.gridauth.gridmap.sync;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.gridauth.gridmap.GridmapError;
import org.gridauth.gsi.error.GridAuthException;
import org.ldaptive.ConnectionConfig;
import org.ldaptive.DefaultConnectionFactory;
import org.ldaptive.FilterTemplate;
import org.ldaptive.LdapEntry;
import org.ldaptive.LdapException;
import org.ldaptive.SearchOperation;
import org.ldaptive.SearchRequest;
import org.ldaptive.SearchResponse;
import org.ldaptive.SearchScope;

/**
 * {@code ldap:<LDAP URL>} — the site's own directory decides (R-RS-2): an RFC 4516 URL naming the search base, the
 * attribute holding the account name, the scope and a filter with {@code {hpciId}} and/or {@code {eppn}}, e.g.
 * {@code ldap:ldap://ldap.site.jp/ou=people,dc=site,dc=jp?uid?sub?(hpciId={hpciId})}. Values are escaped as
 * RFC 4515 requires (ldaptive's FilterTemplate), so a hostile ePPN cannot widen the search. Every value of the
 * attribute is an account; no entry, no line.
 */
public final class LdapBinding implements Binding {

    private final DefaultConnectionFactory connections;
    private final String base;
    private final String attribute;
    private final SearchScope scope;
    private final String filter;
    private final String rule;

    public LdapBinding(String rule) {
        // Parsed by hand: java.net.URI refuses the braces of the filter's placeholders.
        this.rule = rule;
        String text = rule.substring("ldap:".length());
        int sep = text.indexOf("://");
        String scheme = sep < 0 ? "" : text.substring(0, sep);
        if (!"ldap".equals(scheme) && !"ldaps".equals(scheme)) {
            throw new GridAuthException(GridmapError.BINDING_INVALID, rule, "the URL must be ldap:// or ldaps://");
        }
        String rest = text.substring(sep + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        String[] parts = path.split("\\?", 4);
        if (authority.isBlank() || parts.length < 4) {
            throw new GridAuthException(GridmapError.BINDING_INVALID, rule, "give ldap://host[:port]/base?attribute?scope?filter");
        }
        this.base = decode(parts[0]);
        this.attribute = decode(parts[1]);
        String scopeText = decode(parts[2]);
        this.filter = decode(parts[3]);
        if (attribute.isBlank() || filter.isBlank() || !(filter.contains("{hpciId}") || filter.contains("{eppn}"))) {
            throw new GridAuthException(GridmapError.BINDING_INVALID, rule,
                    "give base?attribute?scope?filter, the filter using {hpciId} or {eppn}");
        }
        this.scope = switch (scopeText.isEmpty() ? "sub" : scopeText) {
            case "base" -> SearchScope.OBJECT;
            case "one" -> SearchScope.ONELEVEL;
            case "sub" -> SearchScope.SUBTREE;
            default -> throw new GridAuthException(GridmapError.BINDING_INVALID, rule, "scope must be base, one or sub");
        };
        this.connections = new DefaultConnectionFactory(ConnectionConfig.builder().url(scheme + "://" + authority)
                .connectTimeout(Duration.ofSeconds(10)).responseTimeout(Duration.ofSeconds(30)).build());
    }

    @Override
    public String fingerprint() {
        return rule;
    }

    @Override
    public List<String> accounts(FeedEntry entry) {
        FilterTemplate template = FilterTemplate.builder().filter(filter)
                .parameter("hpciId", entry.hpciId() == null ? "" : entry.hpciId())
                .parameter("eppn", entry.eppn() == null ? "" : entry.eppn()).build();
        try {
            SearchResponse response = new SearchOperation(connections).execute(SearchRequest.builder().dn(base).scope(scope)
                    .filter(template).returnAttributes(attribute).sizeLimit(2).build());
            if (response.entrySize() != 1) {
                return List.of();
            }
            LdapEntry found = response.getEntry();
            List<String> accounts = new ArrayList<>();
            if (found.getAttribute(attribute) != null) {
                for (String value : found.getAttribute(attribute).getStringValues()) {
                    if (ACCOUNT.matcher(value).matches()) {
                        accounts.add(value);
                    }
                }
            }
            return accounts;
        } catch (LdapException e) {
            throw new GridAuthException(GridmapError.DIRECTORY_UNAVAILABLE, base, String.valueOf(e.getResultCode()));
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
