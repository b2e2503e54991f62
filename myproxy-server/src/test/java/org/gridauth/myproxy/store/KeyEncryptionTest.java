package org.gridauth.myproxy.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.SecureRandom;

import org.gridauth.gsi.testing.ByteSearch;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KeyEncryptionTest {

    private final KeyEncryption keys = new KeyEncryption(10_000, new SecureRandom());

    @Test
    @DisplayName("R-MP-2: a sealed key opens with its passphrase only, and the blob holds no clear key bytes")
    void sealOpen() throws Exception {
        KeyPair pair = TestPki.newKey();
        byte[] blob = keys.seal(pair.getPrivate(), "correct horse".toCharArray());
        assertThat(keys.open(blob, "correct horse".toCharArray(), "RSA")).isEqualTo(pair.getPrivate());
        assertThatThrownBy(() -> keys.open(blob, "wrong horse".toCharArray(), "RSA")).isInstanceOf(KeyEncryption.WrongPassphrase.class)
                .hasMessageNotContaining("horse");
        byte[] clear = pair.getPrivate().getEncoded();
        assertThat(ByteSearch.indexOf(blob, java.util.Arrays.copyOfRange(clear, 40, 72))).isNegative();
        byte[] other = keys.seal(pair.getPrivate(), "correct horse".toCharArray());
        assertThat(other).isNotEqualTo(blob);
    }

    @Test
    @DisplayName("Too few KDF iterations are refused at configuration time")
    void iterationFloor() {
        assertThatThrownBy(() -> new KeyEncryption(1000, new SecureRandom())).hasMessageContaining("10,000");
    }
}
