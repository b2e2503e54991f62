package org.gridauth.myproxy.policy;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A DN pattern as myproxy-server.config and myproxy-init -r/-R/-Z write them, with the reference server's meaning
 * (myproxy-server.config(5), REGULAR EXPRESSIONS): an extended regular expression in which {@code *} means any
 * characters, {@code ?} one character and {@code .} a literal dot, while {@code \*}, {@code \?} and {@code \.} give
 * back the regular-expression meaning; the whole DN must match, and {@code |} separates alternatives. Identities are
 * compared case-insensitively. The anonymous client (no certificate) has the empty identity, which only {@code *}
 * matches. The expression is compiled once, because policies are checked on every request.
 */
public final class DnPattern {

    private final String text;
    private final Pattern regex;

    /** @throws IllegalArgumentException naming the pattern when it is not a valid expression */
    public DnPattern(String text) {
        this.text = Objects.requireNonNull(text, "pattern").trim();
        try {
            this.regex = Pattern.compile("^(" + translate(this.text) + ")$", Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("the DN pattern \"" + this.text + "\" is not a valid expression: " + e.getDescription());
        }
    }

    public String text() {
        return text;
    }

    public boolean matches(String identity) {
        if (identity == null || identity.isEmpty()) {
            return "*".equals(text);
        }
        return regex.matcher(identity).matches();
    }

    /** MyProxy's shell-like rules turned into a Java expression (POSIX ERE and Java agree on everything else used in DNs). */
    private static String translate(String pattern) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length() && "*?.".indexOf(pattern.charAt(i + 1)) >= 0) {
                out.append(pattern.charAt(++i));
            } else if (c == '*') {
                out.append(".*");
            } else if (c == '?') {
                out.append('.');
            } else if (c == '.') {
                out.append("\\.");
            } else if (c == '[' && pattern.startsWith("[:", i)) {
                int end = pattern.indexOf(":]", i);
                if (end < 0) {
                    out.append(c);
                } else {
                    // POSIX character classes ([:alnum:]) appear in the reference manual's examples.
                    out.append("\\p{").append(Character.toUpperCase(pattern.charAt(i + 2))).append(pattern, i + 3, end).append('}');
                    i = end + 1;
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DnPattern p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return "\"" + text + "\"";
    }
}
