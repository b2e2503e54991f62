package org.gridauth.ca.service;

import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.operator.ContentSigner;
import org.gridauth.ca.policy.CaPolicy;
import org.gridauth.ca.policy.CaProfile;
import org.gridauth.ca.policy.IssueOrder;
import org.gridauth.ca.store.CaDataSources;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.token.CaKey;
import org.gridauth.ca.token.Secrets;
import org.gridauth.ca.token.SoftwareCaKey;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.testing.TestSigners;
import org.gridauth.gsi.trust.NamespacePolicy;

/**
 * A CA process for {@link CrashDuringIssuanceTest}: issues host certificates in a loop, printing
 * {@code ISSUED <serial>} after each one is handed out, and after the N-th signature prints {@code SIGNED} and
 * stops before recording it, so the test can kill it exactly between signing and recording. With a batch size
 * (fifth argument) it issues batches of that many through {@link IssuanceService#issueBatch} instead.
 */
public final class CrashIssuer {

    private CrashIssuer() {
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]);
        Path p12 = Path.of(args[1]);
        char[] passphrase = Secrets.readFirstLine(Path.of(args[2]), "CA key passphrase");
        int stopAfter = Integer.parseInt(args[3]);
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        Clock clock = Clock.systemUTC();
        CaDatabase database = new CaDatabase(CaDataSources.pooled(CaDataSources.h2File(base), "crash-issuer"));
        JdbcAuditTrail audit = new JdbcAuditTrail(database, clock);
        JdbcCertificateStore store = new JdbcCertificateStore(database, audit, clock);
        CaKey key = pausing(SoftwareCaKey.load(p12, passphrase), stopAfter);
        CaPolicy policy = new CaPolicy(NamespacePolicy.below(TestPki.CA_DN, TestPki.ORGANISATION), CaPolicy.byName(CaProfile.defaults()),
                URI.create("http://ca.example.org/crl.der"), null, null, List.of("1.3.6.1.4.1.99999.3.1.1"));
        IssuanceService service = new IssuanceService(key, policy, store, audit, new CertificateMaker(clock));
        KeyPair hostKey = TestPki.newKey();
        if (batch > 0) {
            for (int b = 0; ; b++) {
                List<IssueOrder> orders = new java.util.ArrayList<>();
                for (int i = 1; i <= batch; i++) {
                    orders.add(new IssueOrder("crash-test", "host",
                            HsmTestCa.csr(hostKey, TestPki.ORGANISATION + "/CN=b" + b + "h" + i + ".example.org", List.of()), null, null));
                }
                for (IssuanceService.Outcome outcome : service.issueBatch(orders)) {
                    if (outcome.error() != null) {
                        throw outcome.error();
                    }
                    System.out.println("ISSUED " + JdbcCertificateStore.hex(outcome.issued().certificate().getSerialNumber()));
                }
                System.out.flush();
            }
        }
        for (int i = 1; ; i++) {
            X509Certificate issued = service.issue(new IssueOrder("crash-test", "host",
                    HsmTestCa.csr(hostKey, TestPki.ORGANISATION + "/CN=h" + i + ".example.org", List.of()), null, null)).certificate();
            System.out.println("ISSUED " + JdbcCertificateStore.hex(issued.getSerialNumber()));
            System.out.flush();
        }
    }

    private static CaKey pausing(CaKey key, int stopAfter) {
        AtomicInteger signatures = new AtomicInteger();
        return new CaKey() {
            @Override
            public X509Certificate certificate() {
                return key.certificate();
            }

            @Override
            public ContentSigner signer() {
                return TestSigners.changing(key.signer(), (signed, signature) -> {
                    if (signatures.incrementAndGet() == stopAfter) {
                        System.out.println("SIGNED");
                        System.out.flush();
                        try {
                            Thread.sleep(600_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return signature;
                });
            }

            @Override
            public String description() {
                return key.description();
            }
        };
    }
}
