package org.gridauth.certmanager.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.gridauth.certmanager.CertManagerFixture;
import org.gridauth.certmanager.client.CaLinkClient;
import org.gridauth.certmanager.policy.PassphraseRule;
import org.gridauth.certmanager.protocol.PortalMessages.IssueReply;
import org.gridauth.certmanager.protocol.PortalMessages.IssueRequest;
import org.gridauth.certmanager.store.CmDatabase;
import org.gridauth.certmanager.store.JdbcAuditLog;
import org.gridauth.certmanager.store.JdbcCredentialStore;
import org.gridauth.certmanager.store.JdbcIssueRequests;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.myproxy.client.MyProxyClient;
import org.gridauth.gsi.trust.ChainValidator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two certificate managers on one PostgreSQL database (the scale-out of the architecture, issue #11 item 3): the portal's
 * retry of a request can reach the second instance while the first still works on it.
 */
class TwoInstancesTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-CM-1: the same request ID sent to two certificate managers on one database at the same moment gets one certificate; "
            + "the CA is asked to sign one CSR for it, and both answers name that certificate or say the request is still in progress")
    void sameRequestOnBothInstancesAtOnce() throws Exception {
        DataSource data = TestDatabases.postgres();
        try (CertManagerFixture peers = new CertManagerFixture(dir, data); ChainValidator validator = ChainValidator.strict(peers.pki.trustDir())) {
            CertificateService first = peers.certificates;
            CertificateService second = instance(peers, data, validator);
            ExecutorService both = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 12; round++) {
                    String requestId = "twice-at-once-" + round;
                    String hpciId = "TWICE" + round;
                    CyclicBarrier start = new CyclicBarrier(2);
                    List<Future<Object>> answers = new ArrayList<>();
                    for (CertificateService service : List.of(first, second)) {
                        answers.add(both.submit(() -> {
                            start.await();
                            try {
                                return service.issue("portal", request(requestId, hpciId));
                            } catch (GridAuthException e) {
                                return e;
                            }
                        }));
                    }
                    Set<String> serials = new HashSet<>();
                    for (Future<Object> answer : answers) {
                        Object outcome = answer.get();
                        if (outcome instanceof IssueReply reply) {
                            serials.add(reply.serial());
                        } else {
                            // The one that lost the race while the CA signs for the other: GA-CM-022, or the CA's own "still working" (GA-CA-031).
                            assertThat(((GridAuthException) outcome).getMessage()).as(requestId).containsAnyOf("GA-CM-022", "GA-CA-031");
                        }
                    }
                    // The portal's retry, on either instance, gets the one certificate.
                    serials.add(second.issue("portal", request(requestId, hpciId)).serial());
                    serials.add(first.issue("portal", request(requestId, hpciId)).serial());
                    assertThat(serials).as(requestId + ": one certificate in every answer").hasSize(1);
                    assertThat(caIssued(peers, "cm-" + requestId)).as(requestId + ": certificates the CA issued").isEqualTo(1);
                }
            } finally {
                both.shutdownNow();
            }
        }
    }

    private static IssueRequest request(String requestId, String hpciId) {
        char[] passphrase = ("two instances passphrase " + hpciId).toCharArray();
        return new IssueRequest(requestId, hpciId, hpciId + "@example.ac.jp", null, "Two Instances " + hpciId, null, passphrase.clone(),
                passphrase.clone(), "STORE", null);
    }

    /** A second certificate manager on the same database and the same CA, as a second process would build it. */
    private static CertificateService instance(CertManagerFixture peers, DataSource data, ChainValidator validator) {
        Clock clock = Clock.systemUTC();
        CmDatabase database = new CmDatabase(data);
        CaLinkClient ca = new CaLinkClient(URI.create("https://" + peers.pki.hostName() + ":" + peers.caLink.port()), peers.ra,
                List.of(peers.pki.ca().certificate()), Duration.ofSeconds(20));
        return new CertificateService(new CertificateService.IssuanceSettings(GridDn.fromOpenSsl(TestPki.ORGANISATION + "/OU=Users"), "client", 2048,
                new PassphraseRule(12)), new JdbcCredentialStore(database, clock), new JdbcIssueRequests(database, clock), new JdbcAuditLog(database, clock),
                ca, new MyProxyTarget(peers.pki.hostName(), peers.myproxy.port(), new MyProxyClient(validator, Duration.ofSeconds(20))),
                Optional.empty(), new KeyVault(), clock);
    }

    private static int caIssued(CertManagerFixture peers, String raRequestId) throws Exception {
        try (Connection c = peers.caData.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM ca_certificate WHERE ra_request_id = '" + raRequestId + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
