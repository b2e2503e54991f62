package org.gridauth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.gridauth.gsi.testing.TestPki;
import org.gridauth.ra.security.SpMetadata;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortalServiceTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-RA-1: the SP metadata 'gridauth up' registers at the IdP is the document the portal serves at /saml/metadata "
            + "(the launcher keeps its own copy so that it does not load the portal's classes)")
    void metadataIsThePortals() {
        var signing = TestPki.create(dir).host().certificate();
        String entityId = "https://localhost:8443/sp";
        assertThat(PortalService.metadataXml(entityId, "https://localhost:8443", signing))
                .isEqualTo(SpMetadata.xml(entityId, "https://localhost:8443", signing));
    }
}
