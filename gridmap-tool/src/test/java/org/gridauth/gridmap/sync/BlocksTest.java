package org.gridauth.gridmap.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BlocksTest {

    @Test
    @DisplayName("R-RS-2: a provenance comment gives its serial and accounts")
    void provenance() {
        assertThat(Blocks.serialAndAccounts("# hpci000007 u@example.ac.jp serial 1a2b until 2027-01-01T00:00:00Z accounts hpci07,guest"))
                .containsExactly("1a2b", "hpci07,guest");
    }

    @Test
    @DisplayName("R-RS-2: a hand-edited account list with an empty name is not a provenance comment, so the sync rebuilds instead of patching it in")
    void emptyAccountName() {
        for (String accounts : new String[] {"hpci07,", ",hpci07", "hpci07,,guest"}) {
            assertThat(Blocks.serialAndAccounts("# hpci000007 u@example.ac.jp serial 1a2b until 2027-01-01T00:00:00Z accounts " + accounts))
                    .as(accounts).isNull();
        }
    }
}
