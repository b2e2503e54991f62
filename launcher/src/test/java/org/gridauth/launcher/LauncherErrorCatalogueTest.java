package org.gridauth.launcher;

import org.gridauth.gsi.testing.CatalogueAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LauncherErrorCatalogueTest {

    @Test
    @DisplayName("R-OP-1: every launcher error has a code, English and Japanese text and what to do")
    void complete() {
        CatalogueAssertions.assertComplete(new LauncherError.CatalogueProvider().catalogue());
    }
}
