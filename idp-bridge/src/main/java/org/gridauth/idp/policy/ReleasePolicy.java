package org.gridauth.idp.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.store.Account;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Which attributes each SP receives (R-IDP-2), written declaratively:
 *
 * <pre>
 * default: [eduPersonPrincipalName]
 * sps:
 *   https://portal.hpci.example.jp/shibboleth: [sn, givenName, hpciId, eduPersonPrincipalName, eduPersonEntitlement]
 * </pre>
 *
 * <p>Whatever the file says, o, ou, jao and jaou are never released (R-IDP-3): {@link #NEVER_RELEASED} is applied
 * after the file's rules, and the file naming one of them only yields a warning.
 */
public final class ReleasePolicy {

    /** R-IDP-3: organizationName, organizationalUnitName, jaOrganizationName, jaOrganizationalUnitName. */
    public static final Set<String> NEVER_RELEASED = Set.of("o", "ou", "jao", "jaou");

    /** The same, as SAML Names, for the last check before an assertion is signed. */
    public static final Set<String> NEVER_RELEASED_SAML_NAMES = Set.of("urn:oid:2.5.4.10", "urn:oid:2.5.4.11",
            "urn:oid:1.3.6.1.4.1.32264.1.1.4", "urn:oid:1.3.6.1.4.1.32264.1.1.5");

    private final List<String> defaultRelease;
    private final Map<String, List<String>> perSp;
    private final List<String> warnings;

    private ReleasePolicy(List<String> defaultRelease, Map<String, List<String>> perSp, List<String> warnings) {
        this.defaultRelease = defaultRelease;
        this.perSp = perSp;
        this.warnings = List.copyOf(warnings);
    }

    /** Parses and checks a policy: unknown attribute ids are errors, never-released ones are dropped with a warning. */
    public static ReleasePolicy parse(String yaml, String source) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (RuntimeException e) {
            throw new GridAuthException(IdpError.BAD_RELEASE_POLICY, e, source, "not YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new GridAuthException(IdpError.BAD_RELEASE_POLICY, source, "the top level must be a mapping with default and sps");
        }
        for (Object key : map.keySet()) {
            if (!"default".equals(key) && !"sps".equals(key)) {
                throw new GridAuthException(IdpError.BAD_RELEASE_POLICY, source, "unknown key " + key);
            }
        }
        List<String> warnings = new ArrayList<>();
        List<String> defaults = ids(map.get("default"), "default", source, warnings);
        Map<String, List<String>> perSp = new java.util.LinkedHashMap<>();
        Object sps = map.get("sps");
        if (sps != null) {
            if (!(sps instanceof Map<?, ?> spMap)) {
                throw new GridAuthException(IdpError.BAD_RELEASE_POLICY, source, "sps must map SP entityIDs to attribute lists");
            }
            spMap.forEach((sp, list) -> perSp.put(String.valueOf(sp), ids(list, String.valueOf(sp), source, warnings)));
        }
        return new ReleasePolicy(defaults, Map.copyOf(perSp), warnings);
    }

    private static List<String> ids(Object list, String where, String source, List<String> warnings) {
        if (list == null) {
            return List.of();
        }
        if (!(list instanceof List<?> items)) {
            throw new GridAuthException(IdpError.BAD_RELEASE_POLICY, source, where + " must be a list of attribute ids");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (Object item : items) {
            String id = String.valueOf(item);
            if (AttributeDefinitions.byId(id).isEmpty()) {
                throw new GridAuthException(IdpError.BAD_RELEASE_POLICY, source, where + ": unknown attribute " + id);
            }
            if (NEVER_RELEASED.contains(id)) {
                warnings.add(source + ": " + where + " lists " + id + ", which is never released (R-IDP-3); ignored");
                continue;
            }
            ids.add(id);
        }
        return List.copyOf(ids);
    }

    /** Warnings found while parsing, for the start-up log. */
    public List<String> warnings() {
        return warnings;
    }

    /** The attribute ids the SP may receive, never including o, ou, jao or jaou. */
    public List<String> releasableTo(String spEntityId) {
        return perSp.getOrDefault(spEntityId, defaultRelease).stream().filter(id -> !NEVER_RELEASED.contains(id)).toList();
    }

    /** The attributes of the account released to the SP, with ePPN scoped by the IdP's scope when unscoped. */
    public List<ReleasedAttribute> release(String spEntityId, Account account, String scope) {
        List<ReleasedAttribute> released = new ArrayList<>();
        for (String id : releasableTo(spEntityId)) {
            AttributeDefinitions.Definition definition = AttributeDefinitions.byId(id).orElseThrow();
            List<String> values = account.values(definition.ldapAttribute());
            if ("eduPersonPrincipalName".equals(id)) {
                values = values.stream().map(v -> v.contains("@") ? v : v + "@" + scope).toList();
            }
            if (!values.isEmpty()) {
                released.add(new ReleasedAttribute(definition.samlName(), definition.friendlyName(), values));
            }
        }
        return released.stream().filter(a -> !NEVER_RELEASED_SAML_NAMES.contains(a.samlName())).toList();
    }
}
