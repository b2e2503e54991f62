package org.gridauth.certmanager.registry;

import java.util.List;

/**
 * The three HPCI office registries (R-CM-4) and their columns. A file, a JDBC query or a JSON document of one
 * registry yields records with these column names; required columns must be present and non-empty (except where
 * {@link #optional()} says otherwise).
 */
public enum RegistryKind {

    /** The HPCI-ID registry: one record per researcher. */
    RESEARCHERS("HPCI-ID registry", "researchers",
            List.of("hpci_id", "eppn", "given_name", "family_name", "email", "status"), List.of()),
    /** The project registry: one record per project member (project columns repeated), or per empty project. */
    PROJECTS("project registry", "projects",
            List.of("project_id", "name", "vo", "start", "end"), List.of("hpci_id", "group", "role")),
    /** The provided-resource registry: one record per resource and admitted project. */
    RESOURCES("provided-resource registry", "resources",
            List.of("resource_id", "site_id", "name"), List.of("project_id", "site_host_dn"));

    private final String label;
    private final String jsonKey;
    private final List<String> required;
    private final List<String> optional;

    RegistryKind(String label, String jsonKey, List<String> required, List<String> optional) {
        this.label = label;
        this.jsonKey = jsonKey;
        this.required = required;
        this.optional = optional;
    }

    /** The name used in messages and audit records, e.g. "project registry". */
    public String label() {
        return label;
    }

    /** The member of a JSON document that holds the array of records, e.g. "projects". */
    public String jsonKey() {
        return jsonKey;
    }

    public List<String> required() {
        return required;
    }

    public List<String> optional() {
        return optional;
    }

    public boolean knows(String column) {
        return required.contains(column) || optional.contains(column);
    }
}
