package org.gridauth.ca.protocol;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.gridauth.ca.CaError;
import org.gridauth.ca.audit.AuditFilter;
import org.gridauth.ca.audit.AuditPage;
import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.gsi.error.GridAuthException;

/**
 * The RA link's {@code GET /v1/audit?from=&to=&action=&actor=&subject=&limit=&before=}: the query string read into
 * an {@link AuditFilter} (strictly: an unknown or repeated parameter is refused, like unknown JSON fields), and the
 * answer's JSON shape. No I/O here.
 */
public final class AuditQuery {

    /** Records per page unless the RA asks for another number. */
    public static final int DEFAULT_LIMIT = 50;
    /** Most records per page: enough for a console table, small enough for one answer. */
    public static final int MAX_LIMIT = 500;
    /** Longest actor or subject text. */
    public static final int MAX_TEXT = 256;
    /** Longest query string (all parameters percent-encoded). */
    public static final int MAX_QUERY = 4096;

    private static final Pattern ACTION = Pattern.compile("[A-Za-z_]{1,64}");
    private static final List<String> PARAMETERS = List.of("from", "to", "action", "actor", "subject", "limit", "before");

    private AuditQuery() {
    }

    /** One record as the RA sees it: what the trail stores, with its hash (to compare with signed checkpoints). */
    public record Entry(long sequence, String time, String actor, String action, String subject, String details, String hash) {

        static Entry of(AuditRecord record) {
            return new Entry(record.sequence(), record.time().toString(), record.actor(), record.type(), record.subject(), record.details(),
                    record.hash());
        }
    }

    /** The answer: matching records newest first, and the {@code before} value of the next page (null on the last). */
    public record Reply(List<Entry> records, Long next) {

        public static Reply of(AuditPage page) {
            return new Reply(page.records().stream().map(Entry::of).toList(), page.next());
        }
    }

    /** Reads a raw (still percent-encoded) query string; null or empty means no filter, the default limit. */
    public static AuditFilter parse(String rawQuery) {
        Map<String, String> values = parameters(rawQuery);
        Instant from = instant("from", values.get("from"));
        Instant to = instant("to", values.get("to"));
        if (from != null && to != null && !from.isBefore(to)) {
            throw invalid("to", "it must be later than from (" + from + ")");
        }
        String action = values.get("action");
        if (action != null) {
            if (!ACTION.matcher(action).matches()) {
                throw invalid("action", "an event type is 1 to 64 letters or '_'");
            }
            action = action.toUpperCase(Locale.ROOT);
        }
        return new AuditFilter(from, to, action, text("actor", values.get("actor")), text("subject", values.get("subject")),
                before(values.get("before")), limit(values.get("limit")));
    }

    private static Map<String, String> parameters(String rawQuery) {
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return values;
        }
        if (rawQuery.length() > MAX_QUERY) {
            throw invalid("(query)", "it is longer than " + MAX_QUERY + " characters");
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode("(query)", eq < 0 ? pair : pair.substring(0, eq));
            String value = decode(name, eq < 0 ? "" : pair.substring(eq + 1));
            if (!PARAMETERS.contains(name)) {
                throw invalid(printable(name), "there is no such parameter; known: " + String.join(", ", PARAMETERS));
            }
            if (values.containsKey(name)) {
                throw invalid(name, "it is given more than once");
            }
            // An empty field of a web form means "any".
            if (!value.isBlank()) {
                values.put(name, value.strip());
            }
        }
        return values;
    }

    private static String decode(String name, String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid(printable(name), "it is not correctly percent-encoded");
        }
    }

    private static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid(name, "\"" + printable(value) + "\" is not an ISO-8601 instant such as 2026-04-01T00:00:00Z");
        }
    }

    private static String text(String name, String value) {
        if (value == null) {
            return null;
        }
        if (value.length() > MAX_TEXT) {
            throw invalid(name, "it is longer than " + MAX_TEXT + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw invalid(name, "it contains control characters");
        }
        return value;
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalid("limit", "\"" + printable(value) + "\" is not a whole number");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw invalid("limit", "it must be from 1 to " + MAX_LIMIT);
        }
        return limit;
    }

    private static Long before(String value) {
        if (value == null) {
            return null;
        }
        try {
            long before = Long.parseLong(value);
            if (before >= 1) {
                return before;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw invalid("before", "\"" + printable(value) + "\" is not a record number");
    }

    /** What of an RA's text goes into an error message: short, without control characters. */
    private static String printable(String text) {
        String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    private static GridAuthException invalid(String parameter, String reason) {
        return new GridAuthException(CaError.AUDIT_QUERY_INVALID, parameter, reason);
    }
}
