package org.gridauth.idp.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;

import org.gridauth.gsi.error.GridAuthException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensaml.security.x509.BasicX509Credential;

class SigningKeysTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-IDP-1: the embedded default generates a 3072-bit signing pair once, key readable only by the owner, and reloads it")
    void generatesOnce() throws Exception {
        Path cert = dir.resolve("idp-signing.crt");
        Path key = dir.resolve("idp-signing.key");
        BasicX509Credential first = SigningKeys.loadOrGenerate(cert, key, "idp.test", Clock.systemUTC());
        assertThat(((RSAPublicKey) first.getEntityCertificate().getPublicKey()).getModulus().bitLength()).isEqualTo(3072);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        BasicX509Credential second = SigningKeys.loadOrGenerate(cert, key, "idp.test", Clock.systemUTC());
        assertThat(second.getEntityCertificate()).isEqualTo(first.getEntityCertificate());
    }

    @Test
    @DisplayName("R-IDP-1: a key that does not belong to the certificate is refused at start-up (GA-IDP-015)")
    void mismatch() {
        SigningKeys.generate(dir.resolve("a.crt"), dir.resolve("a.key"), "a", Clock.systemUTC());
        SigningKeys.generate(dir.resolve("b.crt"), dir.resolve("b.key"), "b", Clock.systemUTC());
        assertThatThrownBy(() -> SigningKeys.load(dir.resolve("a.crt"), dir.resolve("b.key")))
                .isInstanceOf(GridAuthException.class).hasMessageStartingWith("GA-IDP-015");
        assertThatThrownBy(() -> SigningKeys.load(dir.resolve("missing.crt"), dir.resolve("b.key")))
                .isInstanceOf(GridAuthException.class).hasMessageStartingWith("GA-IDP-015");
    }
}
