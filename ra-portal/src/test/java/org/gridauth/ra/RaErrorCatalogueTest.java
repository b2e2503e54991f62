package org.gridauth.ra;

import org.gridauth.gsi.testing.CatalogueAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RaErrorCatalogueTest {

    @Test
    @DisplayName("every GA-RA code has English and Japanese text and what to do, and is registered for the manuals")
    void complete() {
        CatalogueAssertions.assertComplete(new RaError.CatalogueProvider().catalogue());
    }
}
