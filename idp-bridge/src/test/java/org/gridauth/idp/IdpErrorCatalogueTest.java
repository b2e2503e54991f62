package org.gridauth.idp;

import org.gridauth.gsi.testing.CatalogueAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IdpErrorCatalogueTest {

    @Test
    @DisplayName("R-OP-1: every idp-bridge error has a unique GA-IDP code, English and Japanese text and what to do")
    void complete() {
        CatalogueAssertions.assertComplete(new IdpError.CatalogueProvider().catalogue());
    }
}
