package org.gridauth.ca.store;

import org.gridauth.gsi.testing.MutableClock;
import org.gridauth.gsi.testing.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JdbcRequestLogTest {

    static List<Arguments> databases() {
        return List.of(Arguments.of("H2", (Supplier<DataSource>) TestDatabases::h2),
                Arguments.of("PostgreSQL", (Supplier<DataSource>) () -> org.gridauth.ca.store.CaDataSources.withCaSettings(TestDatabases.postgres())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-1: a request ID runs once; its retry gets the stored answer, other content under it is refused, a released ID runs again")
    void idempotency(String name, Supplier<DataSource> database) {
        JdbcRequestLog log = new JdbcRequestLog(new CaDatabase(database.get()), Clock.systemUTC());
        String hash = "a".repeat(64);
        assertThat(log.begin("req-1234567", "/CN=ra", "issue", hash)).isEmpty();
        assertThatThrownBy(() -> log.begin("req-1234567", "/CN=ra", "issue", hash)).hasMessageStartingWith("GA-CA-031");
        log.finish("req-1234567", 200, "{\"serial\":\"1f\"}");
        assertThat(log.begin("req-1234567", "/CN=ra", "issue", hash)).contains(new JdbcRequestLog.StoredReply(200, "{\"serial\":\"1f\"}"));
        assertThatThrownBy(() -> log.begin("req-1234567", "/CN=ra", "issue", "b".repeat(64))).hasMessageStartingWith("GA-CA-030");
        assertThatThrownBy(() -> log.begin("req-1234567", "/CN=other-ra", "issue", hash)).hasMessageStartingWith("GA-CA-030");

        assertThat(log.begin("req-7654321", "/CN=ra", "revoke", hash)).isEmpty();
        log.release("req-7654321");
        assertThat(log.begin("req-7654321", "/CN=ra", "revoke", hash)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CA-1: an unanswered request is taken over only after the stale time and by one retry; the copy it was taken from can no longer answer or release it")
    void takeOver(String name, Supplier<DataSource> database) {
        MutableClock clock = new MutableClock(java.time.Instant.now());
        JdbcRequestLog log = new JdbcRequestLog(new CaDatabase(database.get()), clock);
        String hash = "c".repeat(64);
        JdbcRequestLog.Claimed first = (JdbcRequestLog.Claimed) log.claim("req-takeover", "/CN=ra", "issue", hash);
        JdbcRequestLog.Unfinished seen = (JdbcRequestLog.Unfinished) log.claim("req-takeover", "/CN=ra", "issue", hash);
        assertThat(seen.since()).isEqualTo(first.at());
        java.time.Duration stale = java.time.Duration.ofMinutes(5);
        assertThat(log.takeOver("req-takeover", seen, stale)).isEmpty();
        clock.advance(java.time.Duration.ofMinutes(6));
        JdbcRequestLog.Claimed second = log.takeOver("req-takeover", seen, stale).orElseThrow();
        assertThat(log.takeOver("req-takeover", seen, stale)).isEmpty();

        log.release("req-takeover", first.at());
        log.finish("req-takeover", first.at(), 400, "{\"from\":\"first\"}");
        assertThat(log.claim("req-takeover", "/CN=ra", "issue", hash)).isEqualTo(new JdbcRequestLog.Unfinished(second.at()));
        log.finish("req-takeover", second.at(), 200, "{\"from\":\"second\"}");
        assertThat(log.claim("req-takeover", "/CN=ra", "issue", hash)).isEqualTo(new JdbcRequestLog.Stored(200, "{\"from\":\"second\"}"));
    }
}
