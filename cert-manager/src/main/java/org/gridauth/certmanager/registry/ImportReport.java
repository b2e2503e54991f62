package org.gridauth.certmanager.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an accepted import did.
 *
 * @param change           the change number of the import (sites' feed cursors order it with certificate changes)
 * @param counts           per imported registry: records now held, and how many were added, removed, changed
 * @param sitesRegistered  site host DNs registered or changed by the import
 * @param siteEntryChanges (site, researcher) pairs whose entries in a site's feed the import may have changed
 */
public record ImportReport(long change, Instant at, String actor, List<String> sources, Map<RegistryKind, Counts> counts,
                           int sitesRegistered, int siteEntryChanges) {

    /** Records of one registry after the import, and the differences to before. */
    public record Counts(int total, int added, int removed, int changed) {
        @Override
        public String toString() {
            return total + " (+" + added + " -" + removed + " ~" + changed + ")";
        }
    }
}
