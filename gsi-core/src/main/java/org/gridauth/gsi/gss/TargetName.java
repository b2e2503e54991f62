package org.gridauth.gsi.gss;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.gridauth.gsi.dn.DnAttribute;
import org.gridauth.gsi.dn.GridDn;

/**
 * Whom an initiator expects to reach: a host-based service name ({@code host@login.example.jp}, GSS_C_NT_HOSTBASED_SERVICE)
 * matched, as Globus does, against the host certificate's subjectAltName dNSNames or its CN (with or without a
 * {@code host/} prefix); or an exact identity DN.
 *
 * @param service the service part of a host-based name ("host"), or null for a DN
 * @param host    the host name, or null for a DN
 * @param dn      the expected identity, or null for a host-based name
 */
public record TargetName(String service, String host, GridDn dn) {

    public static TargetName hostBased(String name) {
        int at = name.indexOf('@');
        String service = at < 0 ? "host" : name.substring(0, at);
        String host = at < 0 ? name : name.substring(at + 1);
        if (host.isBlank()) {
            throw new IllegalArgumentException("the target name \"" + name + "\" names no host");
        }
        return new TargetName(service, host.toLowerCase(Locale.ROOT), null);
    }

    public static TargetName identity(GridDn dn) {
        return new TargetName(null, null, dn);
    }

    /** Whether the peer's end-entity certificate (its identity) is this target. */
    public boolean matches(X509Certificate endEntity, GridDn identity) {
        if (dn != null) {
            return dn.equals(identity);
        }
        List<String> names = dnsNames(endEntity);
        if (names.stream().anyMatch(n -> n.equalsIgnoreCase(host))) {
            return true;
        }
        return identity.last(DnAttribute.CN).stream()
                .map(cn -> cn.toLowerCase(Locale.ROOT))
                .map(cn -> cn.startsWith(service + "/") ? cn.substring(service.length() + 1) : cn)
                .anyMatch(cn -> cn.equals(host));
    }

    private static List<String> dnsNames(X509Certificate certificate) {
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives == null) {
                return List.of();
            }
            return alternatives.stream().filter(a -> Integer.valueOf(2).equals(a.get(0))).map(a -> String.valueOf(a.get(1))).toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    @Override
    public String toString() {
        return dn != null ? dn.toOpenSsl() : service + "@" + host;
    }
}
