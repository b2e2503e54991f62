package org.gridauth.certmanager.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.gridauth.gsi.error.GridAuthException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FeedCursorTest {

    @Test
    @DisplayName("R-RS-2: a cursor round-trips as c1.<change>.<time> and anything else is GA-CM-103")
    void cursor() {
        FeedCursor cursor = new FeedCursor(42, 1_780_000_000_000L);
        assertThat(cursor).hasToString("c1.42.1780000000000");
        assertThat(FeedCursor.parse(cursor.toString())).isEqualTo(cursor);
        for (String bad : new String[] {"", "c1.42", "c2.1.2", "c1.-1.2", "c1.1.2 ", "c1.9999999999999999999.1", "c1.1.2\n"}) {
            assertThatThrownBy(() -> FeedCursor.parse(bad)).as(bad).isInstanceOf(GridAuthException.class).hasMessageStartingWith("GA-CM-103: ")
                    .message().doesNotContain("\n");
        }
    }

    @Test
    @DisplayName("R-RS-2: If-None-Match matches the ETag, a W/ form of it, or *, and nothing else")
    void ifNoneMatch() {
        assertThat(FeedHandler.matches("\"abc\"", "\"abc\"")).isTrue();
        assertThat(FeedHandler.matches("\"x\", W/\"abc\"", "\"abc\"")).isTrue();
        assertThat(FeedHandler.matches("*", "\"abc\"")).isTrue();
        assertThat(FeedHandler.matches("\"abd\"", "\"abc\"")).isFalse();
        assertThat(FeedHandler.matches("abc", "\"abc\"")).isFalse();
        assertThat(FeedHandler.matches(null, "\"abc\"")).isFalse();
    }
}
