package org.gridauth.certmanager.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.security.PrivateKey;

import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemWriter;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** R-CM-1: keys kept under the researcher's passphrase. */
class KeyVaultTest {

    private final KeyVault vault = new KeyVault();
    private final TestPki pki = TestPki.shared();

    @Test
    @DisplayName("R-CM-1: a sealed key opens only with its passphrase and only for its own certificate")
    void sealAndOpen() {
        String sealed = vault.seal(pki.user().privateKey(), "right passphrase".toCharArray());
        assertThat(sealed).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        PrivateKey opened = vault.open(sealed, "right passphrase".toCharArray(), pki.user().certificate(), "taro");
        assertThat(opened.getEncoded()).isEqualTo(pki.user().privateKey().getEncoded());
        assertThatThrownBy(() -> vault.open(sealed, "wrong passphrase".toCharArray(), pki.user().certificate(), "taro"))
                .hasMessageContaining("GA-CM-003").hasMessageNotContaining("wrong passphrase");
        assertThatThrownBy(() -> vault.open(sealed, "right passphrase".toCharArray(), pki.host().certificate(), "taro"))
                .as("a key that does not belong to the certificate").hasMessageContaining("GA-CM-003");
        assertThatThrownBy(() -> vault.open("not a key", "right passphrase".toCharArray(), pki.user().certificate(), "taro"))
                .hasMessageContaining("GA-CM-003");
    }

    @Test
    @DisplayName("R-CM-1: keys in OpenSSL's traditional encrypted PEM still open (the general reader)")
    void traditionalPem() throws Exception {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new JcaMiscPEMGenerator(pki.user().privateKey(),
                    new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(org.gridauth.gsi.credential.Pem.BC).build("legacy passphrase".toCharArray())));
        }
        assertThat(text.toString()).contains("Proc-Type: 4,ENCRYPTED");
        assertThat(vault.open(text.toString(), "legacy passphrase".toCharArray(), pki.user().certificate(), "taro").getEncoded())
                .isEqualTo(pki.user().privateKey().getEncoded());
    }
}
