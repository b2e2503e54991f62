package org.gridauth.myproxy.store;

import org.gridauth.gsi.testing.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JdbcCredentialStoreTest {

    private final TestPki pki = TestPki.shared();
    private final KeyEncryption keys = new KeyEncryption(10_000, new SecureRandom());

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("H2", (Supplier<DataSource>) TestDatabases::h2),
                Arguments.of("PostgreSQL", (Supplier<DataSource>) TestDatabases::postgres));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-MP-2: put, find, replace, list, lockout counting, delete and purge behave the same on H2 and PostgreSQL")
    void lifecycle(String name, Supplier<DataSource> database) throws Exception {
        JdbcCredentialStore store = new JdbcCredentialStore(database.get());
        Instant now = Instant.now();
        StoredCredential first = credential("taro", "", now.plus(Duration.ofDays(7)));
        store.put(first);
        store.put(credential("taro", "laptop", now.plus(Duration.ofDays(1))));
        store.put(credential("old", "", now.minus(Duration.ofDays(1))));

        StoredCredential found = store.find("taro", "").orElseThrow();
        assertThat(found.chain()).isEqualTo(first.chain());
        assertThat(keys.open(found.encryptedKey(), "passphrase".toCharArray(), "RSA")).isEqualTo(pki.user().privateKey());
        assertThat(store.findAll("taro")).extracting(StoredCredential::name).containsExactly("", "laptop");

        store.recordSuccess("taro");
        assertThat(store.lockout("taro")).isEqualTo(CredentialStore.Lockout.NONE);
        assertThat(store.recordFailure("taro", 2, now.plus(Duration.ofMinutes(15))).lockedAt(now)).isFalse();
        CredentialStore.Lockout locked = store.recordFailure("taro", 2, now.plus(Duration.ofMinutes(15)));
        assertThat(locked.failedAttempts()).isEqualTo(2);
        assertThat(locked.lockedUntil().getEpochSecond()).isEqualTo(now.plus(Duration.ofMinutes(15)).getEpochSecond());
        assertThat(store.lockout("taro").lockedAt(now)).as("the lockout covers the user name, whatever credential").isTrue();
        store.recordSuccess("taro");
        assertThat(store.lockout("taro").failedAttempts()).isZero();

        assertThat(store.replaceKey("taro", "", keys.seal(pki.user().privateKey(), "another one".toCharArray()))).isTrue();
        assertThat(keys.open(store.find("taro", "").orElseThrow().encryptedKey(), "another one".toCharArray(), "RSA")).isNotNull();
        assertThat(store.replaceKey("nobody", "", new byte[] {1})).isFalse();

        assertThat(store.purgeExpired(now)).isEqualTo(1);
        assertThat(store.find("old", "")).isEmpty();
        assertThat(store.delete("taro", "laptop")).isTrue();
        assertThat(store.delete("taro", "laptop")).isFalse();
        new JdbcCredentialStore(database.get());
    }

    private StoredCredential credential(String user, String name, Instant end) {
        return new StoredCredential(user, name, pki.user().subject().toOpenSsl(), CredentialKind.PROXY, "desc", null, null, null, null,
                List.of(pki.user().certificate()), keys.seal(pki.user().privateKey(), "passphrase".toCharArray()),
                Instant.now().minus(Duration.ofHours(1)), end);
    }
}
