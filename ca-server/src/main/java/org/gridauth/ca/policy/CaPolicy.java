package org.gridauth.ca.policy;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.trust.NamespacePolicy;

/**
 * The CA's issuance configuration, checked when it is made.
 *
 * @param namespace  the subjects this CA may sign (its published signing_policy)
 * @param profiles   the issuable profiles by name
 * @param crl        CRL distribution point URL put in every certificate
 * @param ocsp       OCSP responder URL (AIA), or null
 * @param caIssuers  where the CA certificate is published (AIA), or null
 * @param policyOids the CP/CPS OIDs put in certificatePolicies
 */
public record CaPolicy(NamespacePolicy namespace, Map<String, CaProfile> profiles, URI crl, URI ocsp, URI caIssuers, List<String> policyOids) {

    public CaPolicy {
        if (namespace == null) {
            throw new GridAuthException(CaError.CONFIGURATION_INVALID, "namespace", "the CA namespace (signing policy) is missing");
        }
        if (profiles == null || profiles.isEmpty()) {
            throw new GridAuthException(CaError.CONFIGURATION_INVALID, "profiles", "at least one profile is needed");
        }
        if (crl == null) {
            throw new GridAuthException(CaError.CONFIGURATION_INVALID, "crl-url", "IGTF profiles require a CRL distribution point");
        }
        policyOids = policyOids == null ? List.of() : List.copyOf(policyOids);
        for (String oid : policyOids) {
            if (!oid.matches("[0-2](\\.(0|[1-9][0-9]*))+")) {
                throw new GridAuthException(CaError.CONFIGURATION_INVALID, "policy-oids", "\"" + oid + "\" is not a dotted OID");
            }
        }
        profiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    }

    public static Map<String, CaProfile> byName(List<CaProfile> profiles) {
        Map<String, CaProfile> map = new LinkedHashMap<>();
        profiles.forEach(p -> map.put(p.name(), p));
        return map;
    }
}
