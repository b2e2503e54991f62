package org.gridauth.idp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The embedded default home is under the user's home directory, never a directory named after the placeholder. */
class IdpPropertiesHomeTest {

    @Test
    @DisplayName("R-IDP-1: the default home ${user.home}/.gridauth/idp resolves to the real home directory; explicit paths stay")
    void defaultHomeResolves() {
        assertThat(IdpProperties.resolveUserHome(Path.of("${user.home}/.gridauth/idp")))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".gridauth", "idp"));
        assertThat(IdpProperties.resolveUserHome(null)).isEqualTo(Path.of(System.getProperty("user.home"), ".gridauth", "idp"));
        assertThat(IdpProperties.resolveUserHome(Path.of("/var/lib/idp"))).isEqualTo(Path.of("/var/lib/idp"));
    }
}
