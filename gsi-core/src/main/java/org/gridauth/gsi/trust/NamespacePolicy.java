package org.gridauth.gsi.trust;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

/**
 * Which subjects a CA may sign, written both as a Globus {@code .signing_policy} (EACL, shell-style {@code *}
 * patterns) and as an EUGridPMA {@code .namespaces} file (regular expressions).
 *
 * @param ca       the CA's DN
 * @param subjects subject patterns in slash form where {@code *} matches anything, e.g. {@code /C=JP/O=Grid/*}
 */
public record NamespacePolicy(GridDn ca, List<String> subjects) {

    private static final Pattern ACCESS_ID = Pattern.compile("^\\s*access_id_CA\\s+X509\\s+'([^']*)'\\s*$");
    private static final Pattern COND_SUBJECTS = Pattern.compile("^\\s*cond_subjects\\s+globus\\s+'(.*)'\\s*$");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    public NamespacePolicy {
        subjects = List.copyOf(subjects);
        if (subjects.isEmpty()) {
            throw new GridAuthException(GsiError.NAMESPACE_PATTERN_INVALID, "", "a CA needs at least one subject pattern");
        }
        for (String pattern : subjects) {
            if (!pattern.startsWith("/") || pattern.contains("\"") || pattern.contains("'")
                    || pattern.chars().anyMatch(Character::isISOControl)) {
                throw new GridAuthException(GsiError.NAMESPACE_PATTERN_INVALID, GridDn.printable(pattern),
                        "it must start with '/' and contain no quotes or control characters");
            }
        }
    }

    /** The usual policy: everything below the CA's own organisation, e.g. {@code /C=JP/O=Grid/*}. */
    public static NamespacePolicy below(GridDn ca, String prefix) {
        return new NamespacePolicy(ca, List.of(prefix.endsWith("/*") ? prefix : prefix + "/*"));
    }

    public String toSigningPolicy() {
        StringBuilder conditions = new StringBuilder();
        for (String subject : subjects) {
            conditions.append(conditions.length() == 0 ? "" : " ").append('"').append(subject).append('"');
        }
        return "# Globus signing policy for " + ca.toOpenSsl() + " (written by gridauth)\n"
                + "access_id_CA      X509         '" + ca.toOpenSsl() + "'\n"
                + "pos_rights        globus       CA:sign\n"
                + "cond_subjects     globus       '" + conditions + "'\n";
    }

    public String toNamespaces() {
        StringBuilder out = new StringBuilder("# EUGridPMA namespaces for " + ca.toOpenSsl() + " (written by gridauth)\n");
        for (String subject : subjects) {
            out.append("TO Issuer \"").append(ca.toOpenSsl()).append("\" \\\n")
                    .append("  PERMIT Subject \"").append(globToRegex(subject)).append("\"\n");
        }
        return out.toString();
    }

    /** Whether a subject lies inside this namespace. */
    public boolean permits(GridDn subject) {
        String text = subject.toOpenSsl();
        return subjects.stream().anyMatch(glob -> globMatches(glob, text));
    }

    /**
     * Globus glob matching ('*' any run, '?' one character), case-insensitive, in time proportional to the product
     * of the lengths. A regular expression with one '.*' per '*' backtracks exponentially on a pattern such as
     * "*a*a*a*a*b" from a hostile trust bundle (a hang found by SigningPolicyFuzzTest).
     */
    static boolean globMatches(String glob, String text) {
        int g = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (g < glob.length() && (glob.charAt(g) == '?' || sameIgnoringCase(glob.charAt(g), text.charAt(t)))) {
                g++;
                t++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                resume = t;
            } else if (star >= 0) {
                g = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }

    private static boolean sameIgnoringCase(char a, char b) {
        return a == b || Character.toLowerCase(a) == Character.toLowerCase(b) || Character.toUpperCase(a) == Character.toUpperCase(b);
    }

    /** Reads a Globus {@code .signing_policy} file's text. */
    public static NamespacePolicy parseSigningPolicy(String text, String source) {
        GridDn ca = null;
        List<String> subjects = new ArrayList<>();
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Matcher access = ACCESS_ID.matcher(trimmed);
            Matcher conditions = COND_SUBJECTS.matcher(trimmed);
            if (access.matches()) {
                try {
                    ca = GridDn.fromOpenSsl(access.group(1));
                } catch (GridAuthException e) {
                    throw new GridAuthException(GsiError.SIGNING_POLICY_MALFORMED, e, source, lineNumber, e.getMessage());
                }
            } else if (conditions.matches()) {
                Matcher quoted = QUOTED.matcher(conditions.group(1));
                while (quoted.find()) {
                    subjects.add(quoted.group(1));
                }
            } else if (!trimmed.startsWith("pos_rights")) {
                throw new GridAuthException(GsiError.SIGNING_POLICY_MALFORMED, source, lineNumber,
                        "expected access_id_CA, pos_rights or cond_subjects");
            }
        }
        if (ca == null || subjects.isEmpty()) {
            throw new GridAuthException(GsiError.SIGNING_POLICY_MALFORMED, source, lineNumber,
                    "an access_id_CA line and a cond_subjects line with at least one subject are required");
        }
        return new NamespacePolicy(ca, subjects);
    }

    static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else if ("\\.[]{}()+-^$|".indexOf(c) >= 0) {
                regex.append('\\').append(c);
            } else {
                regex.append(c);
            }
        }
        return regex.toString();
    }
}
