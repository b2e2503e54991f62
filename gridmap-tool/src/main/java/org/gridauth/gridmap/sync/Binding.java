package org.gridauth.gridmap.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridauth.gridmap.GridmapError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * A site's own rule from a feed entry to local accounts (R-RS-2: "the final DN to local-account binding follows
 * each site's own method"). An empty list means the researcher has no account here (yet) and gets no line.
 */
public interface Binding {

    List<String> accounts(FeedEntry entry);

    /**
     * Changes whenever the rule could bind someone differently (a map file's content, a template), so that the next
     * sync binds everyone again instead of only the feed's changes. A directory's content is not covered: run
     * {@code gridmap sync --full} after changing accounts there.
     */
    String fingerprint();

    /** Account names as Globus accepts them in a grid-mapfile. */
    Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9._][A-Za-z0-9._-]{0,31}");

    /**
     * {@code map:<file>} — lines "&lt;ePPN or HPCI-ID&gt; account[,account…]" (# comments), the site's account
     * register; {@code template:<pattern>} — e.g. {@code hpci{hpciNumber}} or {@code {localAccount}}.
     */
    static Binding parse(String rule) {
        if (rule.startsWith("map:")) {
            return MapFile.load(Path.of(rule.substring(4)), rule);
        }
        if (rule.startsWith("template:")) {
            return new Template(rule.substring(9), rule);
        }
        if (rule.startsWith("ldap:")) {
            return new LdapBinding(rule);
        }
        throw new GridAuthException(GridmapError.BINDING_INVALID, rule, "it must start with map:, template: or ldap:");
    }

    /** The site's account register. */
    record MapFile(Map<String, List<String>> accounts, String fingerprint) implements Binding {

        static MapFile load(Path file, String rule) {
            Map<String, List<String>> accounts = new HashMap<>();
            List<String> lines;
            String fingerprint;
            try {
                byte[] content = Files.readAllBytes(file);
                fingerprint = "map:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
                lines = new String(content, StandardCharsets.UTF_8).lines().toList();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new GridAuthException(GridmapError.BINDING_INVALID, rule, "cannot read " + file + ": " + e.getMessage());
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+", 2);
                if (parts.length != 2) {
                    throw new GridAuthException(GridmapError.BINDING_INVALID, rule, file + " line " + (i + 1) + " needs a key and an account");
                }
                List<String> names = Arrays.stream(parts[1].split(",")).map(String::strip).toList();
                for (String name : names) {
                    if (!ACCOUNT.matcher(name).matches()) {
                        throw new GridAuthException(GridmapError.BINDING_INVALID, rule, file + " line " + (i + 1) + ": \"" + name
                                + "\" is not an account name");
                    }
                }
                accounts.put(parts[0], names);
            }
            return new MapFile(Map.copyOf(accounts), fingerprint);
        }

        @Override
        public List<String> accounts(FeedEntry entry) {
            List<String> byEppn = entry.eppn() == null ? null : accounts.get(entry.eppn());
            if (byEppn != null) {
                return byEppn;
            }
            return entry.hpciId() == null ? List.of() : accounts.getOrDefault(entry.hpciId(), List.of());
        }
    }

    /** A naming template; entries whose placeholders are empty, or whose result is no account name, get no line. */
    record Template(String pattern, String rule, List<String> parts) implements Binding {
        private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
        private static final List<String> NAMES = List.of("hpciId", "localAccount", "eppnUser", "hpciNumber");

        public Template(String pattern, String rule) {
            this(pattern, rule, split(pattern, rule));
        }

        /** Literal text at even indexes, placeholder names at odd ones: parsed once, not per researcher. */
        private static List<String> split(String pattern, String rule) {
            List<String> parts = new java.util.ArrayList<>();
            Matcher m = PLACEHOLDER.matcher(pattern);
            int last = 0;
            while (m.find()) {
                if (!NAMES.contains(m.group(1))) {
                    throw new GridAuthException(GridmapError.BINDING_INVALID, rule, "unknown placeholder {" + m.group(1) + "}");
                }
                parts.add(pattern.substring(last, m.start()));
                parts.add(m.group(1));
                last = m.end();
            }
            parts.add(pattern.substring(last));
            return List.copyOf(parts);
        }

        @Override
        public String fingerprint() {
            return "template:" + pattern;
        }

        @Override
        public List<String> accounts(FeedEntry entry) {
            StringBuilder out = new StringBuilder(32);
            for (int i = 0; i < parts.size(); i++) {
                if (i % 2 == 0) {
                    out.append(parts.get(i));
                    continue;
                }
                String value = switch (parts.get(i)) {
                    case "hpciId" -> entry.hpciId();
                    case "localAccount" -> entry.localAccount();
                    case "eppnUser" -> entry.eppn() == null || !entry.eppn().contains("@") ? null : entry.eppn().substring(0, entry.eppn().indexOf('@'));
                    default -> digits(entry.hpciId());
                };
                if (value == null || value.isEmpty()) {
                    return List.of();
                }
                out.append(value);
            }
            String account = out.toString().toLowerCase(java.util.Locale.ROOT);
            return isAccount(account) ? List.of(account) : List.of();
        }

        /** {@link Binding#ACCOUNT} without a regular expression: this runs once per researcher of a full feed. */
        static boolean isAccount(String name) {
            if (name.isEmpty() || name.length() > 32 || name.charAt(0) == '-') {
                return false;
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
                    return false;
                }
            }
            return true;
        }

        private static String digits(String value) {
            if (value == null) {
                return null;
            }
            StringBuilder d = new StringBuilder(value.length());
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c >= '0' && c <= '9') {
                    d.append(c);
                }
            }
            return d.toString();
        }
    }
}
