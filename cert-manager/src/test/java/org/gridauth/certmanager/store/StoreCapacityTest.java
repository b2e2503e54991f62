package org.gridauth.certmanager.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** R-CM-1: the store holds every researcher of the grid: 100,000 accounts with a certificate each, in an H2 file. */
class StoreCapacityTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-CM-1, R-CA-9: 100,000 accounts with a certificate each; lookups, CN checks and new issuances still work")
    void hundredThousandAccounts() {
        Instant now = Instant.parse("2026-11-23T00:00:00Z");
        CmDatabase database = new CmDatabase(CmDatabase.h2File(dir.resolve("cm")));
        int accounts = 100_000;
        database.inTransaction(c -> {
            try (PreparedStatement a = c.prepareStatement("INSERT INTO cm_account (hpci_id, local_name, eppn, email, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)");
                 PreparedStatement k = c.prepareStatement("INSERT INTO cm_credential (serial, hpci_id, valid_hpci_id, subject_dn, common_name, certificate_pem, "
                         + "encrypted_key, location, status, not_before, not_after, issued_at, change_seq) VALUES (?, ?, ?, ?, ?, ?, ?, 'STORE', 'VALID', 0, ?, 0, ?)")) {
                for (int i = 0; i < accounts; i++) {
                    String id = "HPCI" + i;
                    a.setString(1, id);
                    a.setString(2, id.toLowerCase());
                    a.setString(3, "u" + i + "@example.ac.jp");
                    a.setString(4, "u" + i + "@example.ac.jp");
                    a.addBatch();
                    k.setString(1, Integer.toHexString(0x100000 + i));
                    k.setString(2, id);
                    k.setString(3, id);
                    k.setString(4, "/C=JP/O=Grid/OU=Users/CN=User Number " + id);
                    k.setString(5, "User Number " + id);
                    k.setString(6, "-----BEGIN CERTIFICATE-----\n" + "A".repeat(1400) + "\n-----END CERTIFICATE-----\n");
                    k.setString(7, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + "B".repeat(1700) + "\n-----END ENCRYPTED PRIVATE KEY-----\n");
                    k.setLong(8, now.plus(Duration.ofDays(365)).toEpochMilli());
                    k.setLong(9, i + 1);
                    k.addBatch();
                    if (i % 1000 == 999) {
                        a.executeBatch();
                        k.executeBatch();
                    }
                }
            }
            return null;
        });
        JdbcCredentialStore store = new JdbcCredentialStore(database, Clock.fixed(now, ZoneOffset.UTC));
        assertThat(store.validCredential("HPCI77777")).get().extracting(CredentialRecord::commonName).isEqualTo("User Number HPCI77777");
        assertThat(store.commonNameInUse("User Number HPCI99999", "HPCI1")).isTrue();
        assertThat(store.commonNameInUse("Nobody Yet HPCI100000", "HPCI100000")).isFalse();
        store.ensureAccount(new Account("HPCI100000", "hpci100000", "new@example.ac.jp", null));
        CredentialRecord issued = store.recordIssued(new CredentialRecord("ffffff01", "HPCI100000", "/C=JP/O=Grid/CN=New One", "New One", "PEM", null,
                Location.DOWNLOAD, null, CredentialStatus.VALID, now, now.plus(Duration.ofDays(1)), now, null, null, 0));
        assertThat(issued.changeSeq()).isGreaterThan(0);
        assertThat(store.history("HPCI50000")).hasSize(1);
    }
}
