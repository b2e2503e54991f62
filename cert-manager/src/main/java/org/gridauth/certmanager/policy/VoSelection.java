package org.gridauth.certmanager.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * The VO, group and role a researcher asks for in a proxy (R-RA-8), as VOMS FQANs. The requested FQAN comes
 * first in the attribute certificate, then the researcher's other groups in that VO without roles, as a VOMS
 * server orders them.
 */
public record VoSelection(String vo, String group, String role) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public VoSelection {
        check("vo", vo);
        if (group != null) {
            for (String part : group.split("/", -1)) {
                check("group", part);
            }
        }
        if (role != null) {
            check("role", role);
        }
    }

    /** No VO asked for: a plain proxy. */
    public static Optional<VoSelection> of(String vo, String group, String role) {
        if (blank(vo)) {
            if (!blank(group) || !blank(role)) {
                throw new GridAuthException(CertManagerError.REQUEST_INVALID, "a group or role needs a VO");
            }
            return Optional.empty();
        }
        return Optional.of(new VoSelection(vo, blank(group) ? null : trimSlashes(group), blank(role) ? null : role));
    }

    /** The requested FQAN: /vo[/group][/Role=role]. */
    public String fqan() {
        return "/" + vo + (group == null ? "" : "/" + group) + (role == null ? "" : "/Role=" + role);
    }

    /**
     * The FQANs to put in the AC, given those the researcher holds (from the project registry); refuses an FQAN
     * not held.
     */
    public List<String> grant(String hpciId, List<String> held) {
        String wanted = fqan();
        if (!held.contains(wanted)) {
            throw new GridAuthException(CertManagerError.ATTRIBUTE_NOT_HELD, hpciId, wanted);
        }
        List<String> out = new ArrayList<>();
        out.add(wanted);
        String prefix = "/" + vo;
        for (String fqan : held) {
            if (!fqan.equals(wanted) && !fqan.contains("/Role=") && (fqan.equals(prefix) || fqan.startsWith(prefix + "/")) && !out.contains(fqan)) {
                out.add(fqan);
            }
        }
        return out;
    }

    private static void check(String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new GridAuthException(CertManagerError.REQUEST_INVALID, field + " must be letters, digits, '.', '_' or '-'");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String trimSlashes(String group) {
        String g = group.strip();
        while (g.startsWith("/")) {
            g = g.substring(1);
        }
        while (g.endsWith("/")) {
            g = g.substring(0, g.length() - 1);
        }
        return g;
    }
}
