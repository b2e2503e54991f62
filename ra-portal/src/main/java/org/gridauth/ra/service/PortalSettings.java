package org.gridauth.ra.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.gridauth.ra.policy.AuthorizationRules;
import org.gridauth.ra.policy.CnFormat;

/**
 * The values an operator edits in the console (R-RA-11, R-RA-5, R-RA-4, R-RA-2, R-RA-7), all checked when set.
 *
 * @param recipients notification mail addresses per ePPN domain; "*" for every other domain
 */
public record PortalSettings(AuthorizationRules rules, CnFormat cnFormat, int maxTotal, int maxHeld, Duration licenseLifetime,
                             Map<String, List<String>> recipients, boolean fourEyes) {

    public List<String> recipientsFor(String domain) {
        List<String> exact = recipients.get(domain);
        return exact != null ? exact : recipients.getOrDefault("*", List.of());
    }

    /** Recipients as the console edits them: {@code domain: a@x, b@y}, one domain per line. */
    public String recipientsText() {
        StringBuilder out = new StringBuilder();
        recipients.forEach((domain, list) -> out.append(domain).append(": ").append(String.join(", ", list)).append('\n'));
        return out.toString();
    }

    public static Map<String, List<String>> parseRecipients(String text) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        int line = 0;
        for (String raw : text.split("\\R")) {
            line++;
            String s = raw.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            int colon = s.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("line " + line + ": write domain: address, address");
            }
            String domain = s.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT);
            if (!domain.equals("*") && !domain.matches("[a-z0-9.-]+")) {
                throw new IllegalArgumentException("line " + line + ": " + domain + " is not a domain name");
            }
            List<String> addresses = java.util.Arrays.stream(s.substring(colon + 1).split(",")).map(String::strip).filter(a -> !a.isEmpty()).toList();
            for (String a : addresses) {
                if (!a.matches("[^@\\s<>\"]+@[A-Za-z0-9.-]+")) {
                    throw new IllegalArgumentException("line " + line + ": " + a + " is not a mail address");
                }
            }
            out.put(domain, addresses);
        }
        return out;
    }
}
