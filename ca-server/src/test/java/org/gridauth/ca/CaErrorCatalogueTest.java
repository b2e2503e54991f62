package org.gridauth.ca;

import org.gridauth.gsi.testing.CatalogueAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CaErrorCatalogueTest {

    @Test
    @DisplayName("R-OP-1: every ca-server error has a unique GA-CA code, English and Japanese text and what to do")
    void complete() {
        CatalogueAssertions.assertComplete(new CaError.CatalogueProvider().catalogue());
    }
}
