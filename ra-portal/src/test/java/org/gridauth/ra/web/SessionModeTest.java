package org.gridauth.ra.web;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.gridauth.gsi.error.GridAuthException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class SessionModeTest {

    @Test
    @DisplayName("R-RA-10: gridauth.ra.sessions is memory (the default) or database; anything else stops the start with GA-RA-001")
    void onlyMemoryOrDatabase() {
        assertThatCode(() -> new SessionMode(new MockEnvironment())).doesNotThrowAnyException();
        assertThatCode(() -> new SessionMode(new MockEnvironment().withProperty("gridauth.ra.sessions", "memory"))).doesNotThrowAnyException();
        assertThatCode(() -> new SessionMode(new MockEnvironment().withProperty("gridauth.ra.sessions", "database"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> new SessionMode(new MockEnvironment().withProperty("gridauth.ra.sessions", "jdbc")))
                .isInstanceOf(GridAuthException.class).hasMessageContaining("GA-RA-001").hasMessageContaining("gridauth.ra.sessions");
    }
}
