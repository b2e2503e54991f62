package org.gridauth.ca.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Something the CA did or refused, before it is chained into the trail.
 *
 * @param type    what happened, e.g. {@code KEY_CEREMONY}, {@code ISSUE}, {@code ISSUE_REFUSED}, {@code REVOKE}
 * @param actor   who asked: operator names, the RA certificate's DN, or {@code ca} for the CA itself
 * @param subject what it concerns: a DN or a serial number
 * @param details further facts as {@code key=value} pairs in insertion order; never secrets
 */
public record AuditEvent(String type, String actor, String subject, Map<String, String> details) {

    public AuditEvent {
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        if (type == null || type.isBlank() || actor == null || subject == null) {
            throw new IllegalArgumentException("an audit event needs a type, an actor and a subject");
        }
    }

    /** The details as one line, {@code key=value; key=value}. */
    public String detailText() {
        return details.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
    }
}
