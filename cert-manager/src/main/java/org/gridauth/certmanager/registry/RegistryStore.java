package org.gridauth.certmanager.registry;

import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

/**
 * What the rest of the certificate manager asks the office registries (R-CM-4, R-CM-2): who a researcher is and
 * which VO attributes they hold now. "Now" is the store's clock; a membership counts while the project's period
 * covers now and the researcher is active in the HPCI-ID registry.
 */
public interface RegistryStore {

    /** The researcher as the HPCI-ID registry has them, whatever their status. */
    Optional<Researcher> researcher(String hpciId);

    /** A current membership: the project, its VO and the group and role held in it. */
    record Membership(String projectId, String vo, String group, String role) {
        /** The FQAN of this membership, e.g. {@code /hpci.jp/analysis/Role=admin}. */
        public String fqan() {
            return new Member("", group, role).fqan(vo);
        }
    }

    /** The researcher's memberships of current projects; empty unless the researcher is active. */
    List<Membership> currentMemberships(String hpciId);

    /**
     * The VOMS FQANs (short form, sorted) the researcher holds through current projects: for each membership the
     * VO's root group {@code /vo}, the group {@code /vo/group} and, with a role, {@code /vo/group/Role=role}.
     * The proxy maker offers only these and refuses anything else (GA-CM-010).
     */
    SortedSet<String> vomsAttributes(String hpciId);

    /**
     * Whether the researcher holds the FQAN now. Accepts the long form too: {@code /vo/group/Role=NULL/Capability=NULL}
     * is {@code /vo/group}, {@code /vo/group/Role=admin/Capability=NULL} is {@code /vo/group/Role=admin}.
     */
    default boolean holds(String hpciId, String fqan) {
        return vomsAttributes(hpciId).contains(shortFqan(fqan));
    }

    /** The short form of an FQAN: without {@code /Role=NULL} and {@code /Capability=NULL}. */
    static String shortFqan(String fqan) {
        String text = fqan.strip();
        if (text.endsWith("/Capability=NULL")) {
            text = text.substring(0, text.length() - "/Capability=NULL".length());
        }
        if (text.endsWith("/Role=NULL")) {
            text = text.substring(0, text.length() - "/Role=NULL".length());
        }
        return text;
    }
}
