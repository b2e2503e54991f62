package org.gridauth.certmanager.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The pool of researchers' key pairs made ahead of time (R-RA-10). */
class KeyPoolTest {

    private static KeyPair ec() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("R-RA-10: the pool fills while idle, hands every pair out once, and makes pairs itself when a burst empties it")
    void fillsAndHandsOutOnce() throws Exception {
        AtomicInteger made = new AtomicInteger();
        try (KeyPool pool = new KeyPool(() -> {
            made.incrementAndGet();
            return ec();
        }, 8)) {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (pool.available() < 8 && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            assertThat(pool.available()).isEqualTo(8);
            Set<KeyPair> seen = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                assertThat(seen.add(pool.get())).as("every pair is handed out once").isTrue();
            }
            assertThat(pool.servedFromPool()).isGreaterThanOrEqualTo(8);
            assertThat(pool.servedFromPool() + pool.madeOnDemand()).isEqualTo(30);
        }
    }

    @Test
    @DisplayName("R-RA-10: capacity 0 makes every pair on demand, with no background thread; closing drops the ready pairs")
    void noPoolAndClose() throws Exception {
        try (KeyPool none = new KeyPool(KeyPoolTest::ec, 0)) {
            assertThat(none.get()).isNotNull();
            assertThat(none.available()).isZero();
            assertThat(none.madeOnDemand()).isEqualTo(1);
        }
        KeyPool pool = new KeyPool(KeyPoolTest::ec, 4);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (pool.available() < 4 && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        pool.close();
        assertThat(pool.available()).isZero();
    }
}
