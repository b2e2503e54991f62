package org.gridauth.ca.policy;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.gridauth.gsi.dn.GridDn;

/**
 * How a profile's subject common name must look (R-CA-3). Each rule answers with the reason a subject does not
 * fit, or nothing when it does.
 */
public enum SubjectRule {

    /** "&lt;given name&gt; &lt;surname&gt; &lt;HPCI-ID&gt;", names in Hepburn romaji; no DNS names. */
    CLIENT {
        @Override
        public Optional<String> check(String commonName, String hpciId, List<String> dnsNames) {
            if (hpciId == null || !HPCI_ID.matcher(hpciId).matches()) {
                return Optional.of("a client certificate needs the holder's HPCI-ID (letters, digits and '-')");
            }
            if (!commonName.endsWith(" " + hpciId) || !ROMAJI_NAME.matcher(commonName.substring(0, commonName.length() - hpciId.length() - 1)).matches()) {
                return Optional.of("the CN must be \"<given name> <surname> " + hpciId + "\" in Latin letters");
            }
            if (!dnsNames.isEmpty()) {
                return Optional.of("client certificates carry no DNS names");
            }
            return Optional.empty();
        }
    },

    /** The host's fully qualified domain name, which must also be among the DNS names. */
    HOST {
        @Override
        public Optional<String> check(String commonName, String hpciId, List<String> dnsNames) {
            if (!FQDN.matcher(commonName).matches()) {
                return Optional.of("the CN must be the host's fully qualified domain name");
            }
            return checkDnsNames(dnsNames, commonName);
        }
    },

    /** "&lt;service&gt;/&lt;FQDN&gt;" (Globus style, e.g. ldap/ldap.example.org); the FQDN must be among the DNS names. */
    SERVICE {
        @Override
        public Optional<String> check(String commonName, String hpciId, List<String> dnsNames) {
            int slash = commonName.indexOf('/');
            if (slash <= 0 || !SERVICE_NAME.matcher(commonName.substring(0, slash)).matches()
                    || !FQDN.matcher(commonName.substring(slash + 1)).matches()) {
                return Optional.of("the CN must be \"<service>/<fully qualified domain name>\"");
            }
            return checkDnsNames(dnsNames, commonName.substring(slash + 1));
        }
    };

    private static final Pattern HPCI_ID = Pattern.compile("[A-Za-z0-9-]{1,32}");
    private static final Pattern ROMAJI_NAME = Pattern.compile("[A-Z][A-Za-z'-]*( [A-Z][A-Za-z'-]*)+");
    private static final Pattern FQDN = Pattern.compile("(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");

    public abstract Optional<String> check(String commonName, String hpciId, List<String> dnsNames);

    /** The subject's CN value (the last one, as Globus reads it, unescaped), or empty. */
    public static String commonName(GridDn subject) {
        return subject.last(org.gridauth.gsi.dn.DnAttribute.CN).orElse("");
    }

    private static Optional<String> checkDnsNames(List<String> dnsNames, String required) {
        for (String name : dnsNames) {
            if (!FQDN.matcher(name).matches()) {
                return Optional.of("\"" + name + "\" is not a fully qualified domain name");
            }
        }
        return dnsNames.contains(required) ? Optional.empty()
                : Optional.of("the DNS names must include " + required);
    }
}
