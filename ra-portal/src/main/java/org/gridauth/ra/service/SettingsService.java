package org.gridauth.ra.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.RaProperties;
import org.gridauth.ra.policy.AuthorizationRules;
import org.gridauth.ra.policy.CnFormat;
import org.gridauth.ra.store.SettingsStore;
import org.springframework.stereotype.Service;

/**
 * Current {@link PortalSettings}: configuration first, then whatever operators saved in the console (database).
 * Read through a cache of a few seconds so several portal instances on one database converge quickly.
 */
@Service
public class SettingsService {

    /** The default rules when the configuration has none: demo entitlements of idp-bridge. */
    public static final String DEFAULT_RULES = """
            RESEARCHER entitlement equals urn:mace:hpci.example.jp:entitlement:grid-user
            HOST_ADMIN entitlement equals urn:mace:hpci.example.jp:entitlement:host-admin
            OPERATOR entitlement equals urn:mace:hpci.example.jp:entitlement:ra-operator
            AUDITOR entitlement equals urn:mace:hpci.example.jp:entitlement:ra-auditor
            """;

    private static final Duration CACHE = Duration.ofSeconds(5);

    private record Cached(PortalSettings settings, Instant at) {
    }

    private final SettingsStore store;
    private final PortalSettings defaults;
    private final Clock clock;
    private final AtomicReference<Cached> cached = new AtomicReference<>();

    public SettingsService(SettingsStore store, RaProperties properties, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.defaults = fromProperties(properties);
    }

    /** The configured values, checked; a mistake stops the start-up with GA-RA-001 naming it. */
    public static PortalSettings fromProperties(RaProperties p) {
        try {
            AuthorizationRules rules;
            if (p.rules().isEmpty()) {
                rules = AuthorizationRules.parse(DEFAULT_RULES);
            } else {
                List<AuthorizationRules.Rule> list = new ArrayList<>();
                for (RaProperties.Rule r : p.rules()) {
                    list.add(AuthorizationRules.Rule.of(r.role(), r.attribute(), r.test(), r.value()));
                }
                rules = new AuthorizationRules(list);
            }
            for (Map.Entry<String, List<String>> e : p.recipients().entrySet()) {
                PortalSettings.parseRecipients(e.getKey() + ": " + String.join(", ", e.getValue()));
            }
            return new PortalSettings(rules, new CnFormat(p.cnFormat()), p.license().maxTotal(), p.license().maxHeld(), p.license().lifetime(),
                    Map.copyOf(p.recipients()), p.fourEyes());
        } catch (IllegalArgumentException e) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, e, "gridauth.ra: " + e.getMessage());
        }
    }

    public PortalSettings current() {
        Instant now = clock.instant();
        Cached c = cached.get();
        if (c != null && now.isBefore(c.at().plus(CACHE)) && !now.isBefore(c.at())) {
            return c.settings();
        }
        PortalSettings fresh = load();
        cached.set(new Cached(fresh, now));
        return fresh;
    }

    private PortalSettings load() {
        Map<String, String> saved = store.all();
        if (saved.isEmpty()) {
            return defaults;
        }
        PortalSettings d = defaults;
        return new PortalSettings(saved.containsKey("rules") ? AuthorizationRules.parse(saved.get("rules")) : d.rules(),
                saved.containsKey("cnFormat") ? new CnFormat(saved.get("cnFormat")) : d.cnFormat(),
                saved.containsKey("maxTotal") ? Integer.parseInt(saved.get("maxTotal")) : d.maxTotal(),
                saved.containsKey("maxHeld") ? Integer.parseInt(saved.get("maxHeld")) : d.maxHeld(),
                saved.containsKey("licenseLifetimeHours") ? Duration.ofHours(Long.parseLong(saved.get("licenseLifetimeHours"))) : d.licenseLifetime(),
                saved.containsKey("recipients") ? PortalSettings.parseRecipients(saved.get("recipients")) : d.recipients(),
                saved.containsKey("fourEyes") ? Boolean.parseBoolean(saved.get("fourEyes")) : d.fourEyes());
    }

    /** Saves the edited values after checking all of them; GA-RA-016 names the first wrong one. */
    public PortalSettings save(String rulesText, String cnFormat, String maxTotal, String maxHeld, String lifetimeHours, String recipientsText,
                               boolean fourEyes, String by) {
        AuthorizationRules rules;
        CnFormat format;
        int total;
        int held;
        long hours;
        Map<String, List<String>> recipients;
        try {
            rules = AuthorizationRules.parse(rulesText == null ? "" : rulesText);
        } catch (IllegalArgumentException e) {
            throw new GridAuthException(RaError.INPUT_INVALID, "rules", e.getMessage());
        }
        try {
            format = new CnFormat(cnFormat);
        } catch (IllegalArgumentException e) {
            throw new GridAuthException(RaError.INPUT_INVALID, "CN format", e.getMessage());
        }
        total = positive("license IDs in total", maxTotal, 1000);
        held = positive("license IDs held at once", maxHeld, 100);
        hours = positive("license ID lifetime (hours)", lifetimeHours, 24 * 90);
        try {
            recipients = PortalSettings.parseRecipients(recipientsText == null ? "" : recipientsText);
        } catch (IllegalArgumentException e) {
            throw new GridAuthException(RaError.INPUT_INVALID, "notification recipients", e.getMessage());
        }
        Instant now = clock.instant();
        store.put("rules", rules.format(), by, now);
        store.put("cnFormat", format.format(), by, now);
        store.put("maxTotal", Integer.toString(total), by, now);
        store.put("maxHeld", Integer.toString(held), by, now);
        store.put("licenseLifetimeHours", Long.toString(hours), by, now);
        PortalSettings tmp = new PortalSettings(rules, format, total, held, Duration.ofHours(hours), recipients, fourEyes);
        store.put("recipients", tmp.recipientsText(), by, now);
        store.put("fourEyes", Boolean.toString(fourEyes), by, now);
        cached.set(null);
        return tmp;
    }

    private static int positive(String field, String text, int max) {
        try {
            int n = Integer.parseInt(text == null ? "" : text.strip());
            if (n < 1 || n > max) {
                throw new GridAuthException(RaError.INPUT_INVALID, field, "it must be between 1 and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new GridAuthException(RaError.INPUT_INVALID, field, "it is not a whole number");
        }
    }
}
