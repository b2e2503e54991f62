package org.gridauth.certmanager.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

    static final long NOW = 1_000_000;
    static final List<AccessPolicy.Grant> CURRENT = List.of(new AccessPolicy.Grant("res-b", 0, NOW + 1), new AccessPolicy.Grant("res-a", NOW, NOW + 10),
            new AccessPolicy.Grant("res-c", NOW + 1, NOW + 10), new AccessPolicy.Grant("res-d", 0, NOW));

    static AccessStatus status(String credential, long notAfter, ResearcherStatus researcher, List<AccessPolicy.Grant> grants) {
        return AccessPolicy.decide(credential, notAfter, researcher, grants, NOW).status();
    }

    @Test
    @DisplayName("R-CM-4: valid needs a valid, unexpired certificate, an active researcher and a project period covering now ([start, end))")
    void valid() {
        AccessPolicy.Decision decision = AccessPolicy.decide("VALID", NOW + 1, ResearcherStatus.ACTIVE, CURRENT, NOW);
        assertThat(decision.status()).isEqualTo(AccessStatus.VALID);
        assertThat(decision.resources()).containsExactly("res-a", "res-b");
        assertThat(status("VALID", NOW, ResearcherStatus.ACTIVE, CURRENT)).as("not_after = now has expired").isEqualTo(AccessStatus.EXPIRED);
        assertThat(status("VALID", NOW + 1, ResearcherStatus.ACTIVE, CURRENT.subList(2, 4))).isEqualTo(AccessStatus.REMOVED_FROM_PROJECT);
        assertThat(status("VALID", NOW + 1, null, List.of())).isEqualTo(AccessStatus.REMOVED_FROM_PROJECT);
    }

    @Test
    @DisplayName("R-RS-4: the reason to remove a mapping follows the order revoked, superseded, deleted, suspended, expired, removed-from-project")
    void precedence() {
        assertThat(status("REVOKED", 0, ResearcherStatus.DELETED, List.of())).isEqualTo(AccessStatus.REVOKED);
        assertThat(status("SUPERSEDED", 0, ResearcherStatus.SUSPENDED, List.of())).isEqualTo(AccessStatus.SUPERSEDED);
        assertThat(status("SOMETHING-NEW", NOW + 1, ResearcherStatus.ACTIVE, CURRENT)).isEqualTo(AccessStatus.REVOKED);
        assertThat(status("VALID", 0, ResearcherStatus.DELETED, CURRENT)).isEqualTo(AccessStatus.DELETED);
        assertThat(status("VALID", 0, ResearcherStatus.SUSPENDED, CURRENT)).isEqualTo(AccessStatus.SUSPENDED);
        assertThat(status("VALID", 0, ResearcherStatus.ACTIVE, List.of())).isEqualTo(AccessStatus.EXPIRED);
    }
}
