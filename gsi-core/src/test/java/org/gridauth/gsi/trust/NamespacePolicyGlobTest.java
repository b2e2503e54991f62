package org.gridauth.gsi.trust;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Globus signing-policy globs (R-RS-3: trust bundles installed at sites), matched without regular expressions. */
class NamespacePolicyGlobTest {

    @Test
    @DisplayName("R-RS-3: '*' and '?' match as in Globus, case-insensitively")
    void globs() {
        assertThat(NamespacePolicy.globMatches("/C=JP/O=Grid/*", "/C=JP/O=Grid/CN=Taro")).isTrue();
        assertThat(NamespacePolicy.globMatches("/c=jp/o=grid/*", "/C=JP/O=Grid/CN=Taro")).isTrue();
        assertThat(NamespacePolicy.globMatches("/C=JP/O=Gri?/CN=*", "/C=JP/O=Grid/CN=")).isTrue();
        assertThat(NamespacePolicy.globMatches("/C=JP/O=Grid/*", "/C=JP/O=Elsewhere/CN=Mallory")).isFalse();
        assertThat(NamespacePolicy.globMatches("*.example.jp", "/CN=host.example.jp.evil")).isFalse();
        assertThat(NamespacePolicy.globMatches("", "")).isTrue();
        assertThat(NamespacePolicy.globMatches("**", "")).isTrue();
    }

    @Test
    @DisplayName("R-RS-3: a hostile glob with many stars answers at once (the regex it replaced backtracked for minutes)")
    void manyStarsDoNotBacktrack() {
        String glob = "*a".repeat(40) + "*Z";
        assertThat(NamespacePolicy.globMatches(glob, "a".repeat(200))).isFalse();
    }
}
