package org.gridauth.ra.policy;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;

/**
 * Checks for free-text form fields: present, not too long, and without control characters or the replacement
 * character that a wrongly-encoded submission leaves behind. Pages escape everything anyway; this makes bad input end
 * in a message naming the field rather than somewhere deeper.
 */
public final class InputRules {

    private InputRules() {
    }

    public static String required(String field, String value, int maxLength) {
        String v = optional(field, value, maxLength);
        if (v == null) {
            throw new GridAuthException(RaError.INPUT_INVALID, field, "it is empty");
        }
        return v;
    }

    public static String optional(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.length() > maxLength) {
            throw new GridAuthException(RaError.INPUT_INVALID, field, "it is longer than " + maxLength + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\uFFFD' || (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
                throw new GridAuthException(RaError.INPUT_INVALID, field, "it contains characters that are not text (wrong encoding?)");
            }
        }
        return v;
    }

    /** A value limited to a pattern (names of VOs, groups, roles, user names). */
    public static String matching(String field, String value, int maxLength, String regex, String explanation) {
        String v = optional(field, value, maxLength);
        if (v != null && !v.matches(regex)) {
            throw new GridAuthException(RaError.INPUT_INVALID, field, explanation);
        }
        return v;
    }
}
