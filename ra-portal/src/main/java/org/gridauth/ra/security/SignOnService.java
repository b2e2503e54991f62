package org.gridauth.ra.security;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridauth.ra.RaProperties;
import org.gridauth.ra.policy.AuthorizationRules.Decision;
import org.gridauth.ra.policy.Person;
import org.gridauth.ra.service.AccessLog;
import org.gridauth.ra.service.AccessLog.Operation;
import org.gridauth.ra.service.SettingsService;
import org.gridauth.ra.store.PeopleStore;
import org.springframework.stereotype.Service;

/**
 * Turns the attributes of a sign-on (SAML assertion or Shibboleth SP headers) into a {@link RaUser}: maps attribute
 * names to portal names, decides roles with the current rules (R-RA-5), records the person and writes the sign-on
 * and the authorization decision to the access log (R-RA-9).
 */
@Service
public class SignOnService {

    private final Map<String, String> names;
    private final SettingsService settings;
    private final PeopleStore people;
    private final AccessLog log;
    private final Clock clock;

    public SignOnService(RaProperties properties, SettingsService settings, PeopleStore people, AccessLog log, Clock clock) {
        this.names = properties.attributes().byPortalName();
        this.settings = settings;
        this.people = people;
        this.log = log;
        this.clock = clock;
    }

    /** The portal's attribute name for each configured source name (SAML Name or Shibboleth attribute id). */
    public Map<String, String> sourceNames() {
        return names;
    }

    public RaUser signOn(Map<String, List<String>> bySourceName, String idp, String via, String address) {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        names.forEach((portalName, sourceName) -> {
            List<String> values = bySourceName.get(sourceName);
            if (values != null) {
                attributes.put(portalName, values);
            }
        });
        Person person = new Person(attributes);
        Decision decision = settings.current().rules().decide(person);
        RaUser user = new RaUser(person, decision.roles(), decision.reasons(), idp, via);
        log.record(user, address, Operation.SIGN_ON, "OK", via + " from " + idp, null, null);
        log.record(user, address, Operation.AUTHORIZATION, decision.granted() ? "GRANTED" : "DENIED",
                decision.granted() ? String.join("; ", decision.reasons()) : "no rule matched the attributes " + attributes.keySet(), null, null);
        if (person.hpciId() != null && person.eppn() != null) {
            // A conflicting binding is not refused here: license-ID issuance refuses it with GA-RA-005 (R-CA-4).
            people.seen(person.hpciId(), person.eppn(), person.displayName(), person.mail(), clock.instant());
        }
        return user;
    }
}
