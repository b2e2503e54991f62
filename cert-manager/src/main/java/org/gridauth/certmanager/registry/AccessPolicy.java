package org.gridauth.certmanager.registry;

import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who may log in where (R-CM-4, R-RS-4), as one pure function used by the grid-mapfile templates and the sites'
 * feed alike: a certificate is {@link AccessStatus#VALID} on a resource when it is VALID in the mapping database
 * and not expired, its researcher is active in the HPCI-ID registry, and a project admitted on the resource has
 * the researcher as a member and a period covering now. Otherwise the first reason in this order wins: revoked,
 * superseded, deleted, suspended, expired, removed-from-project.
 */
public final class AccessPolicy {

    private AccessPolicy() {
    }

    /** Membership of a project admitted on a resource, with the project's period [start, end) in epoch millis. */
    public record Grant(String resourceId, long periodStart, long periodEnd) {
        public boolean currentAt(long now) {
            return periodStart <= now && now < periodEnd;
        }
    }

    /** The status and the resources the researcher is admitted to now (possibly empty). */
    public record Decision(AccessStatus status, SortedSet<String> resources) {
    }

    /**
     * @param credentialStatus cm_credential.status: VALID, REVOKED or SUPERSEDED (anything else counts as revoked)
     * @param notAfter         end of the certificate's validity, epoch millis (expired when {@code notAfter <= now})
     * @param researcher       the researcher's status in the HPCI-ID registry, or null if absent there
     * @param grants           the researcher's memberships on the resources in question, any period
     * @param now              epoch millis
     */
    public static Decision decide(String credentialStatus, long notAfter, ResearcherStatus researcher, Collection<Grant> grants, long now) {
        SortedSet<String> resources = new TreeSet<>();
        for (Grant grant : grants) {
            if (grant.currentAt(now)) {
                resources.add(grant.resourceId());
            }
        }
        AccessStatus status;
        if (!"VALID".equals(credentialStatus)) {
            status = "SUPERSEDED".equals(credentialStatus) ? AccessStatus.SUPERSEDED : AccessStatus.REVOKED;
        } else if (researcher == ResearcherStatus.DELETED) {
            status = AccessStatus.DELETED;
        } else if (researcher == ResearcherStatus.SUSPENDED) {
            status = AccessStatus.SUSPENDED;
        } else if (notAfter <= now) {
            status = AccessStatus.EXPIRED;
        } else if (researcher == null || resources.isEmpty()) {
            status = AccessStatus.REMOVED_FROM_PROJECT;
        } else {
            status = AccessStatus.VALID;
        }
        return new Decision(status, resources);
    }
}
