package org.gridauth.ra.policy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Attribute-based authorization (R-RA-5): each rule grants one role to people whose attribute passes a test. The
 * rules are data (configuration, then edited in the console); this class only interprets them and says why.
 */
public final class AuthorizationRules {

    /** Tests a rule may apply to an attribute's values. */
    public enum Test {
        PRESENT, EQUALS, CONTAINS, SUFFIX;

        static Test parse(String text) {
            try {
                return Test.valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("test must be present, equals, contains or suffix, not " + text);
            }
        }
    }

    /** One rule, checked when it is made. */
    public record Rule(Role role, String attribute, Test test, String value) {
        public Rule {
            if (role == null || attribute == null || attribute.isBlank() || test == null) {
                throw new IllegalArgumentException("a rule needs a role, an attribute and a test");
            }
            if (!KNOWN_ATTRIBUTES.contains(attribute)) {
                throw new IllegalArgumentException("unknown attribute " + attribute + " (known: " + String.join(", ", KNOWN_ATTRIBUTES) + ")");
            }
            if (test != Test.PRESENT && (value == null || value.isBlank())) {
                throw new IllegalArgumentException("the rule " + role + " " + attribute + " " + test.name().toLowerCase(Locale.ROOT) + " needs a value");
            }
            value = test == Test.PRESENT ? "" : value.strip();
        }

        public static Rule of(String role, String attribute, String test, String value) {
            return new Rule(Role.parse(role), attribute == null ? null : attribute.strip(), Test.parse(test == null ? "" : test), value);
        }

        boolean matches(Person person) {
            List<String> values = person.all(attribute);
            return switch (test) {
                case PRESENT -> !values.isEmpty();
                case EQUALS -> values.contains(value);
                case CONTAINS -> values.stream().anyMatch(v -> v.contains(value));
                case SUFFIX -> values.stream().anyMatch(v -> v.endsWith(value));
            };
        }

        /** The rule as one line, for the console and the access log: {@code OPERATOR: entitlement equals urn:...}. */
        public String describe() {
            return role + ": " + attribute + " " + test.name().toLowerCase(Locale.ROOT) + (value.isEmpty() ? "" : " " + value);
        }
    }

    /** The roles granted and the rules that granted them. */
    public record Decision(Set<Role> roles, List<String> reasons) {
        public boolean granted() {
            return !roles.isEmpty();
        }
    }

    public static final List<String> KNOWN_ATTRIBUTES = List.of("hpciId", "eppn", "givenName", "sn", "mail", "entitlement");

    private final List<Rule> rules;

    public AuthorizationRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    public Decision decide(Person person) {
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        List<String> reasons = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule.matches(person)) {
                roles.add(rule.role());
                reasons.add(rule.describe());
            }
        }
        return new Decision(Set.copyOf(roles), List.copyOf(reasons));
    }

    /** Parses rules written one per line ({@code ROLE attribute test [value]}), as the console edits them. */
    public static AuthorizationRules parse(String text) {
        List<Rule> rules = new ArrayList<>();
        int line = 0;
        for (String raw : text.split("\\R")) {
            line++;
            String s = raw.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            String[] parts = s.split("\\s+", 4);
            if (parts.length < 3) {
                throw new IllegalArgumentException("line " + line + ": write ROLE attribute test [value]");
            }
            try {
                rules.add(Rule.of(parts[0], parts[1], parts[2], parts.length == 4 ? parts[3] : null));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + line + ": " + e.getMessage());
            }
        }
        return new AuthorizationRules(rules);
    }

    /** The inverse of {@link #parse}. */
    public String format() {
        StringBuilder out = new StringBuilder();
        for (Rule rule : rules) {
            out.append(rule.role()).append(' ').append(rule.attribute()).append(' ').append(rule.test().name().toLowerCase(Locale.ROOT));
            if (!rule.value().isEmpty()) {
                out.append(' ').append(rule.value());
            }
            out.append('\n');
        }
        return out.toString();
    }
}
