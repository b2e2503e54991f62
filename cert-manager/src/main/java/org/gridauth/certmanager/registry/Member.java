package org.gridauth.certmanager.registry;

/**
 * A project member: the HPCI-ID and, inside the project's VO, an optional group (path below the VO, e.g.
 * {@code analysis/ocean}; empty = the VO itself) and an optional role (empty = none).
 */
public record Member(String hpciId, String group, String role) {

    /** The VOMS FQAN this membership grants in the VO, e.g. {@code /hpci.jp/analysis/Role=admin}. */
    public String fqan(String vo) {
        return "/" + vo + (group.isEmpty() ? "" : "/" + group) + (role.isEmpty() ? "" : "/Role=" + role);
    }
}
