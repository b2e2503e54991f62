package org.gridauth.ca.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.AuthProvider;
import java.time.Clock;
import java.util.List;

import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.ceremony.CeremonyRequest;
import org.gridauth.ca.ceremony.KeyCeremony;
import org.gridauth.ca.policy.IssueOrder;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.CertificateStatus;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.ca.token.CaKey;
import org.gridauth.ca.token.Pkcs11Token;
import org.gridauth.ca.token.SoftHsmTokens;
import org.gridauth.ca.token.TokenInventory;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HsmFailureTest {

    @Test
    @DisplayName("R-CA-2: when the HSM session is logged out the request fails with GA-CA-026, the serial is abandoned and audited, and nothing is issued")
    void loggedOutToken() throws Exception {
        SoftHsmTokens.Token t = SoftHsmTokens.claim();
        Pkcs11Token token = Pkcs11Token.login(t.config(), t.pinChars());
        Clock clock = Clock.systemUTC();
        CaDatabase database = new CaDatabase(TestDatabases.h2());
        JdbcAuditTrail audit = new JdbcAuditTrail(database, clock);
        new KeyCeremony(clock, new CertificateMaker(clock), audit).run(token, new TokenInventory().describe(t.config()),
                new CeremonyRequest(List.of("Test Operator"), HsmTestCa.DN, "ca", 2048, true, CertificateProfiles.ca()));
        CaKey key = token.caKey("ca", "SHA256withRSA");
        JdbcCertificateStore store = new JdbcCertificateStore(database, audit, clock);
        IssuanceService service = new IssuanceService(key, HsmTestCa.policy(), store, audit, new CertificateMaker(clock));
        IssueOrder order = new IssueOrder("ra", "host", HsmTestCa.csr(TestPki.newKey(), HsmTestCa.ORGANISATION + "/CN=hsm.example.org", List.of()),
                null, null);
        assertThat(service.issue(order).certificate()).isNotNull();

        ((AuthProvider) token.provider()).logout();

        assertThatThrownBy(() -> service.issue(order)).isInstanceOf(GridAuthException.class).hasMessageStartingWith("GA-CA-026")
                .hasMessageContaining("GA-CA-007");
        List<AuditRecord> records = audit.read(1, 100);
        assertThat(records).extracting(AuditRecord::type).containsExactly("KEY_CEREMONY", "ISSUE", "ISSUE_FAILED");
        String abandoned = records.get(2).details().replaceAll(".*serial=([0-9a-f]+).*", "$1");
        assertThat(store.find(new java.math.BigInteger(abandoned, 16)).orElseThrow().status()).isEqualTo(CertificateStatus.ABANDONED);
    }
}
