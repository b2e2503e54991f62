package org.gridauth.certmanager;

import org.gridauth.gsi.testing.CatalogueAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** R-OP-1: every cert-manager error has a stable code, English and Japanese text and what to do. */
class CertManagerErrorCatalogueTest {

    @Test
    @DisplayName("R-OP-1: the GA-CM catalogue is complete, unique and formats in both languages")
    void catalogue() {
        CatalogueAssertions.assertComplete(new CertManagerError.CatalogueProvider().catalogue());
    }
}
