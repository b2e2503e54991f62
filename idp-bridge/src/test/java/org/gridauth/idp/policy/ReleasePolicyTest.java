package org.gridauth.idp.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.store.Account;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReleasePolicyTest {

    private static final Account TARO = new Account("taro", "uid=taro,ou=people", Map.of(
            "sn", List.of("Yamada"), "givenName", List.of("Taro"), "hpciId", List.of("hpci000001"),
            "eduPersonPrincipalName", List.of("taro"), "eduPersonEntitlement", List.of("urn:x:a", "urn:x:b"),
            "o", List.of("Example University"), "ou", List.of("Science"), "jao", List.of("例大学"), "jaou", List.of("理学研究科")));

    @Test
    @DisplayName("R-IDP-2: the portal SP receives English sn/givenName, HPCI-ID, ePPN (scoped) and entitlement")
    void releasesHpciAttributes() {
        ReleasePolicy policy = ReleasePolicy.parse("""
                default: []
                sps:
                  https://portal/sp: [sn, givenName, hpciId, eduPersonPrincipalName, eduPersonEntitlement]
                """, "test");
        List<ReleasedAttribute> released = policy.release("https://portal/sp", TARO, "hpci.example.jp");
        assertThat(released).extracting(ReleasedAttribute::friendlyName)
                .containsExactly("sn", "givenName", "hpciId", "eduPersonPrincipalName", "eduPersonEntitlement");
        assertThat(released.get(3).values()).containsExactly("taro@hpci.example.jp");
        assertThat(released.get(4).values()).containsExactly("urn:x:a", "urn:x:b");
        assertThat(policy.release("https://unknown/sp", TARO, "s")).isEmpty();
    }

    @Test
    @DisplayName("R-IDP-3: o, ou, jao and jaou are never released, even when the policy file lists them, for a named SP or by default")
    void neverReleasesOrganisation() {
        ReleasePolicy policy = ReleasePolicy.parse("""
                default: [o, ou, jao, jaou, sn]
                sps:
                  https://portal/sp: [o, ou, jao, jaou, hpciId]
                """, "test");
        assertThat(policy.warnings()).hasSize(8);
        assertThat(policy.releasableTo("https://portal/sp")).containsExactly("hpciId");
        assertThat(policy.releasableTo("https://any/sp")).containsExactly("sn");
        for (String sp : List.of("https://portal/sp", "https://any/sp")) {
            assertThat(policy.release(sp, TARO, "s")).extracting(ReleasedAttribute::samlName)
                    .doesNotContainAnyElementsOf(ReleasePolicy.NEVER_RELEASED_SAML_NAMES);
        }
    }

    @Test
    @DisplayName("R-IDP-2: a policy naming an unknown attribute or with a wrong shape stops start-up (GA-IDP-016)")
    void invalidPolicies() {
        for (String yaml : List.of("default: [surname]", "sps: [a, b]", "default: sn", "other: []", "- x", "default: [sn")) {
            assertThatThrownBy(() -> ReleasePolicy.parse(yaml, "p.yaml")).as(yaml).isInstanceOf(GridAuthException.class)
                    .hasMessageStartingWith("GA-IDP-016");
        }
    }
}
