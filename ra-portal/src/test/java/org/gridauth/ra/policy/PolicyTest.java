package org.gridauth.ra.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The portal's pure decisions: authorization rules, CN format, license IDs, passphrases, form fields. */
class PolicyTest {

    static Person person(Map<String, List<String>> attributes) {
        return new Person(attributes);
    }

    static final Person TARO = person(Map.of("hpciId", List.of("hpci000001"), "eppn", List.of("taro@hpci.example.jp"), "givenName", List.of("Taro"),
            "sn", List.of("Yamada"), "entitlement", List.of("urn:mace:hpci.example.jp:entitlement:grid-user", "urn:x:ra-operator")));

    @Test
    @DisplayName("R-RA-5: each rule grants its role when its attribute passes the test, and the decision says which rules matched")
    void rules() {
        AuthorizationRules rules = AuthorizationRules.parse("""
                # comment
                RESEARCHER entitlement equals urn:mace:hpci.example.jp:entitlement:grid-user
                OPERATOR entitlement suffix :ra-operator
                AUDITOR entitlement contains auditor
                HOST_ADMIN hpciId present
                """);
        AuthorizationRules.Decision d = rules.decide(TARO);
        assertThat(d.roles()).containsExactlyInAnyOrder(Role.RESEARCHER, Role.OPERATOR, Role.HOST_ADMIN);
        assertThat(d.reasons()).contains("OPERATOR: entitlement suffix :ra-operator");
        assertThat(rules.decide(person(Map.of("eppn", List.of("x@y")))).granted()).isFalse();
        assertThat(AuthorizationRules.parse(rules.format()).rules()).isEqualTo(rules.rules());
    }

    @Test
    @DisplayName("R-RA-5: a rule with an unknown attribute, test or role, or without a value, is refused naming the line")
    void badRules() {
        assertThatThrownBy(() -> AuthorizationRules.parse("RESEARCHER o equals x")).hasMessageContaining("line 1").hasMessageContaining("unknown attribute");
        assertThatThrownBy(() -> AuthorizationRules.parse("\nRESEARCHER eppn like x")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> AuthorizationRules.parse("ROOT eppn present")).hasMessageContaining("role");
        assertThatThrownBy(() -> AuthorizationRules.parse("RESEARCHER eppn equals")).hasMessageContaining("needs a value");
    }

    @Test
    @DisplayName("R-RA-4: the default CN format is givenName sn HPCI-ID; a missing attribute is refused naming it")
    void cnFormat() {
        CnFormat format = new CnFormat(CnFormat.DEFAULT);
        assertThat(format.render(TARO)).isEqualTo("Taro Yamada hpci000001");
        assertThat(new CnFormat("<sn>, <givenName> (<HPCI-ID>)").render(TARO)).isEqualTo("Yamada, Taro (hpci000001)");
        Person noGiven = person(Map.of("hpciId", List.of("hpci000002"), "sn", List.of("Suzuki")));
        assertThatThrownBy(() -> format.render(noGiven)).isInstanceOfSatisfying(GridAuthException.class, e -> {
            assertThat(e.code()).isEqualTo(RaError.ATTRIBUTE_MISSING);
            assertThat(e.getMessage()).contains("givenName");
        });
    }

    @Test
    @DisplayName("R-RA-4: a name a certificate cannot carry (Japanese script, over 64 characters) is refused, as is a bad format")
    void cnRefusals() {
        CnFormat format = new CnFormat(CnFormat.DEFAULT);
        Person kanji = person(Map.of("hpciId", List.of("hpci000003"), "givenName", List.of("太郎"), "sn", List.of("山田")));
        assertThatThrownBy(() -> format.render(kanji)).hasMessageContaining("GA-RA-016");
        Person longName = person(Map.of("hpciId", List.of("hpci000003"), "givenName", List.of("A".repeat(60)), "sn", List.of("B")));
        assertThatThrownBy(() -> format.render(longName)).hasMessageContaining("64");
        assertThatThrownBy(() -> new CnFormat("<o> <sn>")).hasMessageContaining("unknown attribute");
        assertThatThrownBy(() -> new CnFormat("fixed")).hasMessageContaining("placeholder");
        assertThatThrownBy(() -> new CnFormat("<sn> <script>")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("R-RA-2: license IDs are 100 random bits in four groups; typing them loosely still matches; only a hash is kept")
    void licenseIds() {
        LicenseIds ids = new LicenseIds(new SecureRandom());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = ids.generate();
            assertThat(id).matches("[0-9A-Z]{5}(-[0-9A-Z]{5}){3}");
            assertThat(seen.add(id)).isTrue();
        }
        String id = ids.generate();
        String normal = LicenseIds.normalise(id);
        assertThat(LicenseIds.normalise(id.toLowerCase().replace("-", " "))).isEqualTo(normal);
        assertThat(LicenseIds.hash(normal)).hasSize(64).doesNotContain(normal);
        assertThat(LicenseIds.normalise("short")).isNull();
        assertThat(LicenseIds.normalise("<script>alert(1)</script>")).isNull();
        assertThat(LicenseIds.normalise(id + "X")).isNull();
    }

    @Test
    @DisplayName("R-RA-3: the passphrase and its confirmation must match and be strong enough; the message never holds the passphrase")
    void passphrases() {
        PassphrasePolicy policy = new PassphrasePolicy(12, 1024);
        policy.check("private-key passphrase", "correct horse battery".toCharArray(), "correct horse battery".toCharArray());
        assertThatThrownBy(() -> policy.check("private-key passphrase", "correct horse battery".toCharArray(), "correct horse batterx".toCharArray()))
                .hasMessageContaining("GA-RA-013").hasMessageNotContaining("correct horse");
        assertThatThrownBy(() -> policy.check("private-key passphrase", "short".toCharArray(), "short".toCharArray())).hasMessageContaining("GA-RA-014")
                .hasMessageContaining("12");
        assertThatThrownBy(() -> policy.check("private-key passphrase", "aaaaaaaaaaaaaaa".toCharArray(), "aaaaaaaaaaaaaaa".toCharArray()))
                .hasMessageContaining("repeats");
        assertThatThrownBy(() -> policy.check("private-key passphrase", new char[0], new char[0])).hasMessageContaining("empty");
        assertThat(PassphrasePolicy.score("short".toCharArray())).isZero();
        assertThat(PassphrasePolicy.score("correct horse battery".toCharArray())).isEqualTo(3);
        assertThat(PassphrasePolicy.score("Correct horse battery 42".toCharArray())).isEqualTo(4);
    }

    @Test
    @DisplayName("bad input: empty, overlong and wrongly encoded fields are refused naming the field")
    void fields() {
        assertThatThrownBy(() -> InputRules.required("license ID", " ", 64)).hasMessageContaining("license ID").hasMessageContaining("empty");
        assertThatThrownBy(() -> InputRules.required("license ID", "x".repeat(65), 64)).hasMessageContaining("longer than 64");
        assertThatThrownBy(() -> InputRules.required("VO", "bad\uFFFDbytes", 64)).hasMessageContaining("encoding");
        assertThatThrownBy(() -> InputRules.required("VO", "nul\u0000", 64)).hasMessageContaining("encoding");
        assertThat(InputRules.optional("VO", "  ", 64)).isNull();
    }
}
