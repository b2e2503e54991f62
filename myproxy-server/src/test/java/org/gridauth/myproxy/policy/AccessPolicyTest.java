package org.gridauth.myproxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.gridauth.gsi.dn.GridDn;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The reference server's policy semantics, as pure decisions (myproxy-server.config(5)). */
class AccessPolicyTest {

    private static final String TARO = "/C=JP/O=Grid/CN=Taro Yamada 000001";
    private static final String PORTAL = "/C=JP/O=Grid/CN=portal.example.jp";

    @Test
    @DisplayName("R-MP-1: DN patterns follow the manual's examples: * any, ? one, . literal, \\* \\? \\. back to regex, | alternatives")
    void patterns() {
        assertThat(new DnPattern("*/CN=Jim Basney").matches("/C=US/O=NCSA/CN=Jim Basney")).isTrue();
        assertThat(new DnPattern("*/CN=Test User ?").matches("/O=T/CN=Test User 7")).isTrue();
        assertThat(new DnPattern("*/CN=James A. Basney").matches("/O=T/CN=James AX Basney")).as("'.' is literal").isFalse();
        assertThat(new DnPattern("*/CN=James A\\. Basney").matches("/O=T/CN=James AX Basney")).as("'\\.' is any character").isTrue();
        assertThat(new DnPattern("/O=Test/CN=[:alnum:]\\*").matches("/O=Test/CN=abc123")).isTrue();
        assertThat(new DnPattern("*/CN=Jim Basney|*/CN=James Basney").matches("/O=X/CN=James Basney")).isTrue();
        assertThat(new DnPattern("*/CN=Jim").matches("/O=X/CN=Jim Basney")).as("the whole DN must match").isFalse();
        assertThat(new DnPattern("*").matches("")).as("anonymous matches only *").isTrue();
        assertThat(new DnPattern("*/CN=*").matches("")).isFalse();
        assertThat(new DnPattern("none").matches(TARO)).isFalse();
    }

    @Test
    @DisplayName("R-MP-1: server list, then the credential's own policy, else the default list; no default line lets everyone pass that step")
    void threeStepRule() {
        AccessRule rule = new AccessRule("authorized_retrievers", List.of(new DnPattern("/C=JP/O=Grid/*")), List.of());
        assertThat(rule.permits(null, TARO)).isTrue();
        assertThat(rule.permits(null, "/C=US/O=Else/CN=Eve")).isFalse();
        assertThat(rule.permits("*/CN=portal.example.jp", TARO)).isFalse();
        assertThat(rule.permits("*/CN=portal.example.jp", PORTAL)).isTrue();
        AccessRule withDefault = new AccessRule("authorized_retrievers", List.of(new DnPattern("*")), List.of(new DnPattern("none")));
        assertThat(withDefault.permits(null, TARO)).isFalse();
        assertThat(withDefault.permits("*", TARO)).as("the credential's policy overrides the default").isTrue();
        assertThat(withDefault.permits("(unclosed", TARO)).as("an invalid stored policy admits nobody").isFalse();
    }

    @Test
    @DisplayName("R-MP-1: renewers and trusted retrievers may not be the credential's own identity unless allow_self_authorization")
    void selfAuthorization() {
        List<DnPattern> anyone = List.of(new DnPattern("*"));
        AccessPolicy policy = new AccessPolicy(anyone, new AccessRule("authorized_retrievers", anyone, List.of()),
                new AccessRule("authorized_renewers", anyone, List.of()), new AccessRule("authorized_key_retrievers", anyone, List.of()),
                new AccessRule("trusted_retrievers", anyone, List.of(new DnPattern("none"))), false);
        GridDn taro = GridDn.fromOpenSsl(TARO);
        RetrievalRights.CredentialPolicies trustsPortal = new RetrievalRights.CredentialPolicies(null, null, PORTAL);
        assertThat(RetrievalRights.of(policy, trustsPortal, PORTAL, taro).trusted()).isTrue();
        assertThat(RetrievalRights.of(policy, new RetrievalRights.CredentialPolicies(null, null, TARO), TARO, taro).trusted()).isFalse();
        assertThat(RetrievalRights.of(policy, trustsPortal, "", taro).trusted()).as("anonymous is never trusted").isFalse();
        assertThat(RetrievalRights.selfAuthorization(policy, TARO, taro)).isTrue();
        AccessPolicy lenient = new AccessPolicy(anyone, policy.retrievers(), policy.renewers(), policy.keyRetrievers(),
                policy.trustedRetrievers(), true);
        assertThat(RetrievalRights.selfAuthorization(lenient, TARO, taro)).isFalse();
    }
}
