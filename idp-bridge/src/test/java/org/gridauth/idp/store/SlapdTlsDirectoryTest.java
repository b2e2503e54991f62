package org.gridauth.idp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.policy.AttributeDefinitions;
import org.gridauth.idp.testing.Slapd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LDAPS and StartTLS against Debian's OpenLDAP slapd whose certificate comes from a private test CA: the IdP trusts
 * only the CA it is configured with (R-IDP-1, issue #5 "TLS/StartTLS").
 */
class SlapdTlsDirectoryTest {

    @TempDir
    static Path dir;

    private static Slapd slapd;
    private static X509Certificate ca;
    private static X509Certificate otherCa;

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        Credential host = pki.host();
        CredentialFiles.writeHostCredential(dir.resolve("slapd.crt"), dir.resolve("slapd.key"), host);
        ca = pki.ca().certificate();
        otherCa = TestPki.create(dir.resolve("other-pki")).ca().certificate();
        slapd = Slapd.start(dir, SlapdTlsDirectoryTest.class.getResourceAsStream("/demo-accounts.ldif"),
                new Slapd.Tls(dir.resolve("slapd.crt"), dir.resolve("slapd.key")));
    }

    @AfterAll
    static void stop() {
        if (slapd != null) {
            slapd.close();
        }
    }

    private static LdapSettings settings(String url, boolean startTls, List<X509Certificate> trust) {
        return new LdapSettings(url, startTls, "ou=people,dc=hpci,dc=example,dc=jp", "(uid={user})", null, null,
                AttributeDefinitions.ldapAttributes(), 2, Duration.ofSeconds(5), trust);
    }

    @Test
    @DisplayName("R-IDP-1: StartTLS on ldap:// with the configured CA: bind as the user and read attributes")
    void startTls() {
        try (LdapDirectory directory = new LdapDirectory(settings(slapd.url("localhost"), true, List.of(ca)))) {
            assertThat(directory.authenticate("taro", "taro-demo-Pass1".toCharArray()).orElseThrow().first("hpciId")).isEqualTo("hpci000001");
            assertThat(directory.authenticate("taro", "wrong".toCharArray())).isEmpty();
        }
    }

    @Test
    @DisplayName("R-IDP-1: LDAPS with the configured CA: bind as the user and read attributes")
    void ldaps() {
        try (LdapDirectory directory = new LdapDirectory(settings(slapd.ldapsUrl("localhost"), false, List.of(ca)))) {
            assertThat(directory.authenticate("hanako", "hanako-demo-Pass2".toCharArray()).orElseThrow().first("sn")).isEqualTo("Suzuki");
        }
    }

    @Test
    @DisplayName("R-IDP-1: a server certificate from another CA, or from no CA the Java runtime trusts, is refused (GA-IDP-013)")
    void untrustedServer() {
        for (LdapSettings settings : List.of(settings(slapd.ldapsUrl("localhost"), false, List.of(otherCa)),
                settings(slapd.url("localhost"), true, List.of(otherCa)), settings(slapd.ldapsUrl("localhost"), false, null))) {
            assertThatThrownBy(() -> {
                try (LdapDirectory directory = new LdapDirectory(settings)) {
                    directory.authenticate("taro", "taro-demo-Pass1".toCharArray());
                }
            }).as(settings.toString()).isInstanceOfSatisfying(GridAuthException.class,
                    e -> assertThat(e.code()).isEqualTo(IdpError.DIRECTORY_UNAVAILABLE));
        }
    }

    @Test
    @DisplayName("R-IDP-1: the host name is checked: the right CA but a name not in the certificate (127.0.0.1) is refused (GA-IDP-013)")
    void hostNameChecked() {
        assertThatThrownBy(() -> {
            try (LdapDirectory directory = new LdapDirectory(settings(slapd.ldapsUrl("127.0.0.1"), false, List.of(ca)))) {
                directory.authenticate("taro", "taro-demo-Pass1".toCharArray());
            }
        }).isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(IdpError.DIRECTORY_UNAVAILABLE));
    }
}
