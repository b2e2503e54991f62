package org.gridauth.idp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AccountRulesTest {

    @Test
    @DisplayName("R-IDP-5: account states active, suspended, deleted; missing means active, anything unknown means suspended")
    void states() {
        assertThat(AccountState.parse(null)).isEqualTo(AccountState.ACTIVE);
        assertThat(AccountState.parse("Active")).isEqualTo(AccountState.ACTIVE);
        assertThat(AccountState.parse("suspended")).isEqualTo(AccountState.SUSPENDED);
        assertThat(AccountState.parse("DELETED")).isEqualTo(AccountState.DELETED);
        assertThat(AccountState.parse("activ")).isEqualTo(AccountState.SUSPENDED);
    }

    @Test
    @DisplayName("R-IDP-1: user names with LDAP filter or control characters are refused before any directory request")
    void usernames() {
        assertThat(UsernameRule.acceptable("taro")).isTrue();
        assertThat(UsernameRule.acceptable("taro.yamada@hpci.example.jp")).isTrue();
        for (String bad : new String[] {"", "*", "taro)(uid=*", "a b", "taro\u0000", "x\\2a", "a".repeat(65), null}) {
            assertThat(UsernameRule.acceptable(bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    @DisplayName("R-IDP-1: requests are fresh for 5 minutes with 3 minutes of clock skew either way")
    void freshness() {
        RequestFreshness freshness = new RequestFreshness(Duration.ofMinutes(5), Duration.ofMinutes(3));
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        assertThat(freshness.fresh(now, now)).isTrue();
        assertThat(freshness.fresh(now.plusSeconds(179), now)).isTrue();
        assertThat(freshness.fresh(now.plusSeconds(181), now)).isFalse();
        assertThat(freshness.fresh(now.minusSeconds(479), now)).isTrue();
        assertThat(freshness.fresh(now.minusSeconds(481), now)).isFalse();
        assertThat(freshness.fresh(null, now)).isFalse();
    }

    @Test
    @DisplayName("R-IDP-1: persistent IDs are stable per SP and user, differ between SPs and do not reveal the user name")
    void persistentIds() {
        PersistentIds ids = new PersistentIds(new byte[32]);
        assertThat(ids.idFor("sp1", "taro")).isEqualTo(ids.idFor("sp1", "taro"))
                .isNotEqualTo(ids.idFor("sp2", "taro")).isNotEqualTo(ids.idFor("sp1", "hanako")).doesNotContain("taro");
        assertThat(new PersistentIds(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}).idFor("sp1", "taro"))
                .isNotEqualTo(ids.idFor("sp1", "taro"));
    }
}
