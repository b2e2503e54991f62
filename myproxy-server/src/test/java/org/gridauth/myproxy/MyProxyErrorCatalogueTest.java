package org.gridauth.myproxy;

import org.gridauth.gsi.testing.CatalogueAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MyProxyErrorCatalogueTest {

    @Test
    @DisplayName("R-OP-1: every myproxy-server error has a unique GA-MP code, English and Japanese text and what to do")
    void complete() {
        CatalogueAssertions.assertComplete(new MyProxyError.CatalogueProvider().catalogue());
    }
}
