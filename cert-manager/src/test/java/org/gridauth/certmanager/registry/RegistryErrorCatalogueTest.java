package org.gridauth.certmanager.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.testing.CatalogueAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RegistryErrorCatalogueTest {

    @Test
    @DisplayName("R-OP-1: the GA-CM catalogue is complete (English, Japanese, actions, placeholders, apostrophes, registered)")
    void complete() {
        CatalogueAssertions.assertComplete(new CertManagerError.CatalogueProvider().catalogue());
    }

    @Test
    @DisplayName("R-OP-1: the registries' and feed's errors are numbered GA-CM-100 to GA-CM-199")
    void numbered() {
        assertThat(Arrays.stream(CertManagerError.values()).filter(e -> e.ordinal() >= CertManagerError.REGISTRY_IMPORT_REJECTED.ordinal()))
                .extracting(CertManagerError::code).allMatch(code -> code.matches("GA-CM-1\\d\\d")).contains("GA-CM-100", "GA-CM-102", "GA-CM-108");
    }
}
