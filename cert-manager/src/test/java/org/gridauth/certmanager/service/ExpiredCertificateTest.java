package org.gridauth.certmanager.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.gridauth.certmanager.CertManagerFixture;
import org.gridauth.certmanager.protocol.PortalMessages.IssueReply;
import org.gridauth.certmanager.protocol.PortalMessages.IssueRequest;
import org.gridauth.certmanager.store.CredentialRecord;
import org.gridauth.certmanager.store.CredentialStatus;
import org.gridauth.gsi.testing.MutableClock;
import org.gridauth.gsi.testing.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A researcher whose certificate has expired is a new applicant, not a renewal (R-CA-4 counts valid certificates only). */
class ExpiredCertificateTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-CA-4, R-CM-1: after the certificate expired, a researcher whose name changed gets a new certificate; the expired one is "
            + "not handed to the CA as the certificate to replace (the CA refuses a renewal under another name) and is superseded here")
    void expiredCertificateWithAChangedName() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (CertManagerFixture peers = new CertManagerFixture(dir, TestDatabases.h2(), clock)) {
            IssueReply first = peers.certificates.issue("portal", request("expired-1", "Hanako Suzuki EXP0001"));
            CredentialRecord old = peers.store.bySerial(first.serial()).orElseThrow();
            clock.set(old.notAfter().plus(Duration.ofDays(1)));

            IssueReply second = peers.certificates.issue("portal", request("expired-2", "Hanako Tanaka EXP0001"));

            assertThat(second.serial()).isNotEqualTo(first.serial());
            assertThat(second.subject()).endsWith("/CN=Hanako Tanaka EXP0001");
            List<CredentialRecord> history = peers.store.history("EXP0001");
            assertThat(history).extracting(CredentialRecord::serial, CredentialRecord::status).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple(second.serial(), CredentialStatus.VALID),
                    org.assertj.core.groups.Tuple.tuple(first.serial(), CredentialStatus.SUPERSEDED));
        }
    }

    private static IssueRequest request(String requestId, String commonName) {
        char[] passphrase = "expired certificate passphrase".toCharArray();
        return new IssueRequest(requestId, "EXP0001", "hanako@example.ac.jp", null, commonName, null, passphrase.clone(), passphrase.clone(),
                "STORE", null);
    }
}
