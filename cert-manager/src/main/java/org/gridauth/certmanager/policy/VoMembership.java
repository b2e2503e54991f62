package org.gridauth.certmanager.policy;

import java.util.List;

/**
 * The VOMS FQANs a researcher holds now through their projects (/vo, /vo/group, /vo/group/Role=role), from the HPCI
 * office's project registry.
 */
@FunctionalInterface
public interface VoMembership {
    List<String> fqans(String hpciId);
}
