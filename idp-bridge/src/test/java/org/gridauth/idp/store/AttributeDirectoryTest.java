package org.gridauth.idp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.policy.AttributeDefinitions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** R-IDP-1: authentication in one directory, attributes from another (authentication DB and attribute DB apart). */
class AttributeDirectoryTest {

    /** Passwords only, under its own suffix. */
    private static final String PASSWORDS = """
            dn: dc=auth,dc=example
            objectClass: domain
            dc: auth

            dn: uid=taro,dc=auth,dc=example
            objectClass: inetOrgPerson
            uid: taro
            cn: taro
            sn: unused
            userPassword: taro-pass

            dn: uid=ghost,dc=auth,dc=example
            objectClass: inetOrgPerson
            uid: ghost
            cn: ghost
            sn: unused
            userPassword: ghost-pass
            """;

    /** The attributes, keyed by a different attribute (mail-style login name) under another suffix. */
    private static final String ATTRIBUTES = """
            dn: dc=attrs,dc=example
            objectClass: domain
            dc: attrs

            dn: cn=Taro Yamada,dc=attrs,dc=example
            objectClass: inetOrgPerson
            objectClass: eduPerson
            objectClass: hpciPerson
            cn: Taro Yamada
            uid: taro
            sn: Yamada
            givenName: Taro
            hpciId: hpci000001
            hpciAccountState: suspended
            userPassword: not-this-one
            """;

    private static EmbeddedDirectoryServer auth;
    private static EmbeddedDirectoryServer attrs;
    private static LdapDirectory directory;

    @BeforeAll
    static void start() throws Exception {
        auth = EmbeddedDirectoryServer.start("dc=auth,dc=example", 0, new ByteArrayInputStream(PASSWORDS.getBytes(StandardCharsets.UTF_8)));
        attrs = EmbeddedDirectoryServer.start("dc=attrs,dc=example", 0, new ByteArrayInputStream(ATTRIBUTES.getBytes(StandardCharsets.UTF_8)));
        directory = new LdapDirectory(
                new LdapSettings(auth.url(), false, "dc=auth,dc=example", "(uid={user})", null, null, java.util.List.of(), 2, Duration.ofSeconds(5)),
                new LdapSettings(attrs.url(), false, "dc=attrs,dc=example", "(&(objectClass=hpciPerson)(uid={user}))", null, null,
                        AttributeDefinitions.ldapAttributes(), 2, Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        directory.close();
        auth.close();
        attrs.close();
    }

    @Test
    @DisplayName("R-IDP-1: the password is checked in directory A and the attributes (and account state) come from directory B")
    void splitDirectories() {
        Account taro = directory.authenticate("taro", "taro-pass".toCharArray()).orElseThrow();
        assertThat(taro.dn()).isEqualTo("uid=taro,dc=auth,dc=example");
        assertThat(taro.first("sn")).isEqualTo("Yamada");
        assertThat(taro.first("hpciId")).isEqualTo("hpci000001");
        assertThat(taro.first(AttributeDefinitions.ACCOUNT_STATE_LDAP)).isEqualTo("suspended");
        // B's password is never used: only A's bind decides.
        assertThat(directory.authenticate("taro", "not-this-one".toCharArray())).isEmpty();
    }

    @Test
    @DisplayName("R-IDP-1: a user with a password in A but no entry in B cannot sign in (GA-IDP-028); a wrong password still says only 'wrong'")
    void missingAttributeEntry() {
        assertThatThrownBy(() -> directory.authenticate("ghost", "ghost-pass".toCharArray()))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(IdpError.NO_ATTRIBUTE_ENTRY));
        assertThat(directory.authenticate("ghost", "wrong".toCharArray())).isEmpty();
    }
}
