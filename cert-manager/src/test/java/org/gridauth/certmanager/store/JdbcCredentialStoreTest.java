package org.gridauth.certmanager.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.testing.MutableClock;
import org.gridauth.gsi.testing.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The credential store and mapping database on H2 and PostgreSQL (R-CM-1, R-CM-3). */
class JdbcCredentialStoreTest {

    private static final Instant NOW = Instant.parse("2026-11-23T00:00:00Z");

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("H2", (java.util.function.Supplier<DataSource>) TestDatabases::h2),
                Arguments.of("PostgreSQL", (java.util.function.Supplier<DataSource>) TestDatabases::postgres));
    }

    private static CredentialRecord credential(String serial, String hpciId, String cn, Instant notAfter) {
        return new CredentialRecord(serial, hpciId, "/C=JP/O=Grid/CN=" + cn, cn, "-----BEGIN CERTIFICATE-----\n...\n", "-----BEGIN ENCRYPTED PRIVATE KEY-----",
                Location.STORE, null, CredentialStatus.VALID, NOW.minus(Duration.ofDays(1)), notAfter, NOW, null, null, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CM-1, R-CM-3: a renewal supersedes the old certificate, history keeps both, change numbers grow with every change")
    void renewalAndHistory(String name, java.util.function.Supplier<DataSource> data) {
        JdbcCredentialStore store = new JdbcCredentialStore(new CmDatabase(data.get()), Clock.fixed(NOW, ZoneOffset.UTC));
        store.ensureAccount(new Account("HPCI1", "hpci1", "taro@example.ac.jp", "taro@example.ac.jp"));
        CredentialRecord first = store.recordIssued(credential("0a", "HPCI1", "Taro Yamada HPCI1", NOW.plus(Duration.ofDays(300))));
        CredentialRecord second = store.recordIssued(credential("0b", "HPCI1", "Taro Yamada HPCI1", NOW.plus(Duration.ofDays(395))));
        assertThat(second.changeSeq()).isGreaterThan(first.changeSeq());
        assertThat(store.validCredential("HPCI1")).get().extracting(CredentialRecord::serial).isEqualTo("0b");
        assertThat(store.bySerial("0a")).get().satisfies(c -> {
            assertThat(c.status()).isEqualTo(CredentialStatus.SUPERSEDED);
            assertThat(c.encryptedKey()).as("a superseded key is not kept").isNull();
            assertThat(c.changeSeq()).isEqualTo(second.changeSeq());
        });
        assertThat(store.history("HPCI1")).extracting(CredentialRecord::serial).containsExactlyInAnyOrder("0a", "0b");
        store.movedToMyProxy("0b", "taro-mp");
        assertThat(store.bySerial("0b")).get().satisfies(c -> {
            assertThat(c.location()).isEqualTo(Location.MYPROXY);
            assertThat(c.myproxyUsername()).isEqualTo("taro-mp");
            assertThat(c.encryptedKey()).isNull();
        });
        assertThat(store.markRevoked("0b", NOW, "keyCompromise")).isTrue();
        assertThat(store.markRevoked("0b", NOW, "keyCompromise")).as("revoking twice changes nothing").isFalse();
        assertThat(store.validCredential("HPCI1")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-RA-4: a CN is in use only while another researcher's certificate is valid and unexpired")
    void commonNames(String name, java.util.function.Supplier<DataSource> data) {
        JdbcCredentialStore store = new JdbcCredentialStore(new CmDatabase(data.get()), Clock.fixed(NOW, ZoneOffset.UTC));
        store.ensureAccount(new Account("HPCI2", "hpci2", "a@example.ac.jp", null));
        store.ensureAccount(new Account("HPCI3", "hpci3", "b@example.ac.jp", null));
        store.recordIssued(credential("1a", "HPCI2", "Same Name", NOW.plus(Duration.ofDays(30))));
        assertThat(store.commonNameInUse("Same Name", "HPCI3")).isTrue();
        assertThat(store.commonNameInUse("Same Name", "HPCI2")).as("the holder may renew with the same CN").isFalse();
        store.markRevoked("1a", NOW, "unspecified");
        assertThat(store.commonNameInUse("Same Name", "HPCI3")).isFalse();
        store.ensureAccount(new Account("HPCI4", "hpci4", "c@example.ac.jp", null));
        store.recordIssued(credential("1b", "HPCI4", "Old Name", NOW.minus(Duration.ofSeconds(1))));
        assertThat(store.commonNameInUse("Old Name", "HPCI3")).as("an expired certificate frees its CN").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CM-1: an HPCI-ID keeps its ePPN, a local name belongs to one account, and one valid certificate per researcher is enforced by the schema")
    void accountRules(String name, java.util.function.Supplier<DataSource> data) {
        CmDatabase database = new CmDatabase(data.get());
        JdbcCredentialStore store = new JdbcCredentialStore(database, Clock.fixed(NOW, ZoneOffset.UTC));
        store.ensureAccount(new Account("HPCI5", "hpci5", "e@example.ac.jp", "old@example.ac.jp"));
        assertThat(store.ensureAccount(new Account("HPCI5", "hpci5", "e@example.ac.jp", "new@example.ac.jp")).email()).isEqualTo("new@example.ac.jp");
        assertThatThrownBy(() -> store.ensureAccount(new Account("HPCI5", "hpci5", "other@example.ac.jp", null)))
                .isInstanceOf(GridAuthException.class).hasMessageContaining("GA-CM-023");
        assertThatThrownBy(() -> store.ensureAccount(new Account("HPCI6", "hpci5", "f@example.ac.jp", null)))
                .isInstanceOf(GridAuthException.class).hasMessageContaining("GA-CM-023");
        store.recordIssued(credential("2a", "HPCI5", "E Name", NOW.plus(Duration.ofDays(30))));
        assertThatThrownBy(() -> database.inTransaction(c -> {
            try (var s = c.prepareStatement("UPDATE cm_credential SET valid_hpci_id = 'HPCI5' WHERE serial = '2a'")) {
                s.executeUpdate();
            }
            try (var s = c.prepareStatement("INSERT INTO cm_credential (serial, hpci_id, valid_hpci_id, subject_dn, common_name, certificate_pem, "
                    + "location, status, not_before, not_after, issued_at, change_seq) VALUES ('2b', 'HPCI5', 'HPCI5', 'x', 'x', 'x', 'STORE', 'VALID', 0, 0, 0, 0)")) {
                return s.executeUpdate();
            }
        })).isInstanceOf(GridAuthException.class);
        assertThat(store.history("HPCI5")).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CM-1: issuance requests: a retry sees the recorded CSR and sealed key, the first CSR kept for an ID stays, a refusal frees the ID, "
            + "download keys expire after a day")
    void issueRequests(String name, java.util.function.Supplier<DataSource> data) {
        CmDatabase database = new CmDatabase(data.get());
        MutableClock clock = new MutableClock(NOW);
        JdbcIssueRequests requests = new JdbcIssueRequests(database, clock);
        assertThat(requests.begin("req-00000001", "HPCI7")).isEmpty();
        assertThat(requests.prepared("req-00000001", "CSR", "SEALED")).isTrue();
        // Two certificate managers on one database: the first CSR kept for an ID stays.
        assertThat(requests.prepared("req-00000001", "OTHER CSR", "OTHER SEALED")).isFalse();
        assertThat(requests.begin("req-00000001", "HPCI7")).get().satisfies(r -> {
            assertThat(r.done()).isFalse();
            assertThat(r.csrPem()).isEqualTo("CSR");
            assertThat(r.replyKey()).isEqualTo("SEALED");
        });
        requests.done("req-00000001", "ff", "SEALED");
        assertThat(requests.begin("req-00000001", "HPCI7")).get().satisfies(r -> {
            assertThat(r.done()).isTrue();
            assertThat(r.serial()).isEqualTo("ff");
        });
        requests.begin("req-00000002", "HPCI7");
        requests.forget("req-00000002");
        assertThat(requests.begin("req-00000002", "HPCI7")).isEmpty();
        clock.set(NOW.plus(Duration.ofDays(2)));
        assertThat(requests.purgeReplyKeys()).isEqualTo(1);
        assertThat(requests.begin("req-00000001", "HPCI7")).get().extracting(JdbcIssueRequests.IssueRequestState::replyKey).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    @DisplayName("R-CM-2: repeated wrong passphrases lock the account for the lock time; old failures age out; success clears the count")
    void passphraseGuard(String name, java.util.function.Supplier<DataSource> data) {
        MutableClock clock = new MutableClock(NOW);
        JdbcPassphraseGuard guard = new JdbcPassphraseGuard(new CmDatabase(data.get()), clock, 3, Duration.ofMinutes(10), Duration.ofMinutes(5));
        assertThat(guard.failed("HPCI8")).isFalse();
        assertThat(guard.failed("HPCI8")).isFalse();
        guard.succeeded("HPCI8");
        assertThat(guard.failed("HPCI8")).as("success cleared the count").isFalse();
        assertThat(guard.failed("HPCI8")).isFalse();
        assertThat(guard.failed("HPCI8")).isTrue();
        assertThatThrownBy(() -> guard.checkNotLocked("HPCI8")).hasMessageContaining("GA-CM-025");
        guard.checkNotLocked("HPCI9");
        clock.set(NOW.plus(Duration.ofMinutes(6)));
        guard.checkNotLocked("HPCI8");
        clock.set(NOW.plus(Duration.ofMinutes(20)));
        assertThat(guard.failed("HPCI8")).isFalse();
        clock.set(NOW.plus(Duration.ofMinutes(40)));
        assertThat(guard.failed("HPCI8")).as("failures older than the window do not count").isFalse();
        assertThat(guard.failed("HPCI8")).isFalse();
    }
}
