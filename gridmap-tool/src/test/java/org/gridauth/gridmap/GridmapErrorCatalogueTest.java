package org.gridauth.gridmap;

import org.gridauth.gsi.testing.CatalogueAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** R-OP-1: every gridmap-tool error has a stable code, English and Japanese text and what to do. */
class GridmapErrorCatalogueTest {

    @Test
    @DisplayName("R-OP-1: the GA-GM catalogue is complete, unique and formats in both languages")
    void catalogue() {
        CatalogueAssertions.assertComplete(new GridmapError.CatalogueProvider().catalogue());
    }
}
