package org.gridauth.myproxy.policy;

import java.util.regex.Pattern;

/**
 * A DN pattern as myproxy-server.config and myproxy-init -r/-R write them: the slash form with {@code *} (any
 * characters) and {@code ?} (one character), compared case-insensitively with the client's identity.
 * The anonymous client (no certificate) matches only {@code *}.
 */
public record DnPattern(String text) {

    public boolean matches(String identity) {
        if (identity == null || identity.isEmpty()) {
            return "*".equals(text.trim());
        }
        return regex().matcher(identity).matches();
    }

    private Pattern regex() {
        StringBuilder regex = new StringBuilder();
        for (char c : text.trim().toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }
}
