package org.gridauth.idp.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.gridauth.idp.policy.AttributeDefinitions;
import org.gridauth.idp.testing.Slapd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same directory code against Debian's OpenLDAP slapd with the gridauth schema. */
class SlapdDirectoryTest {

    @TempDir
    static Path dir;

    private static Slapd slapd;
    private static LdapDirectory directory;

    @BeforeAll
    static void start() throws Exception {
        slapd = Slapd.start(dir, SlapdDirectoryTest.class.getResourceAsStream("/demo-accounts.ldif"));
        directory = new LdapDirectory(LdapDirectoryTest.settings(slapd.url()));
    }

    @AfterAll
    static void stop() {
        if (directory != null) {
            directory.close();
        }
        if (slapd != null) {
            slapd.close();
        }
    }

    @Test
    @DisplayName("R-IDP-1: bind as the user against OpenLDAP slapd and read HPCI attributes and the account state")
    void authenticates() {
        Account taro = directory.authenticate("taro", "taro-demo-Pass1".toCharArray()).orElseThrow();
        assertThat(taro.first("sn")).isEqualTo("Yamada");
        assertThat(taro.first("hpciId")).isEqualTo("hpci000001");
        assertThat(taro.first("eduPersonPrincipalName")).isEqualTo("taro@hpci.example.jp");
        assertThat(taro.first("jaou")).isEqualTo("理学研究科");
        Account jiro = directory.authenticate("jiro", "jiro-demo-Pass3".toCharArray()).orElseThrow();
        assertThat(jiro.first(AttributeDefinitions.ACCOUNT_STATE_LDAP)).isEqualTo("suspended");
        assertThat(jiro.values("userPassword")).isEmpty();
    }

    @Test
    @DisplayName("R-IDP-1: wrong password, unknown user, empty password and filter injection fail against slapd")
    void failures() {
        assertThat(directory.authenticate("taro", "wrong".toCharArray())).isEmpty();
        assertThat(directory.authenticate("nobody", "x".toCharArray())).isEmpty();
        assertThat(directory.authenticate("taro", new char[0])).isEmpty();
        assertThat(directory.authenticate("*", "taro-demo-Pass1".toCharArray())).isEmpty();
        assertThat(directory.authenticate("taro)(uid=*", "taro-demo-Pass1".toCharArray())).isEmpty();
    }

    @Test
    @DisplayName("R-IDP-1: many logins share a small connection pool (pool size 4, 200 binds from 8 threads)")
    void pooled() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.Callable<Boolean> login = () -> directory.authenticate("hanako", "hanako-demo-Pass2".toCharArray()).isPresent();
            var results = pool.invokeAll(java.util.Collections.nCopies(200, login));
            for (java.util.concurrent.Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdown();
        }
    }
}
