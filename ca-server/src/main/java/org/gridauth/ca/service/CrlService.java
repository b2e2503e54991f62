package org.gridauth.ca.service;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridauth.ca.CaError;
import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ca.policy.CrlSchedule;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.store.JdbcCrlStore;
import org.gridauth.ca.token.CaKey;
import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.crl.CrlMaker;
import org.gridauth.gsi.crl.RevokedEntry;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.trust.TrustDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes, records and publishes CRLs (R-CA-5). Numbers come from the database and only grow; each CRL is recorded
 * with its audit record before it is published, and publishing replaces {@code crl.der}, {@code crl.pem} and
 * {@code <hash>.r0} in the publication directory atomically (readers see the old or the new file, never half).
 */
public final class CrlService {

    private static final Logger LOG = LoggerFactory.getLogger(CrlService.class);

    private final CaKey caKey;
    private final JdbcCertificateStore certificates;
    private final JdbcCrlStore crls;
    private final CrlSchedule schedule;
    private final Path publishDir;
    private final Clock clock;
    private final CrlMaker maker = new CrlMaker();

    public CrlService(CaKey caKey, JdbcCertificateStore certificates, JdbcCrlStore crls, CrlSchedule schedule, Path publishDir, Clock clock) {
        this.caKey = caKey;
        this.certificates = certificates;
        this.crls = crls;
        this.schedule = schedule;
        this.publishDir = publishDir;
        this.clock = clock;
    }

    public CrlSchedule schedule() {
        return schedule;
    }

    /** Makes, records and publishes a new CRL now. */
    public synchronized X509CRL issueNow(String actor, String why) {
        for (int attempt = 1; ; attempt++) {
            try {
                return issueOnce(actor, why);
            } catch (GridAuthException e) {
                // Another CA process (an operator's 'gridauth ca crl' beside the daemon) took the same number.
                if (attempt == 3 || e.code() != CaError.DATABASE_UNAVAILABLE || !isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
    }

    private X509CRL issueOnce(String actor, String why) {
        List<RevokedEntry> revoked = certificates.revoked();
        BigInteger number = crls.nextNumber();
        Instant thisUpdate = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        X509CRL crl = maker.make(caKey.certificate(), caKey.signer(), number, thisUpdate, thisUpdate.plus(schedule.validity()), revoked);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("crlNumber", number.toString());
        details.put("revoked", Integer.toString(revoked.size()));
        details.put("nextUpdate", crl.getNextUpdate().toInstant().toString());
        details.put("why", why);
        crls.record(crl, number, revoked.size(), new AuditEvent("CRL_ISSUED", actor, "CRL " + number, details));
        publish(crl);
        LOG.info("CRL {} with {} revoked certificates published, next update {}", number, revoked.size(), crl.getNextUpdate().toInstant());
        return crl;
    }

    /**
     * Issues a CRL if none exists, the newest is within the re-issue margin of its nextUpdate, or a certificate was
     * revoked after it was made (a revocation whose immediate CRL failed is caught up here); returns the current one.
     */
    public synchronized X509CRL ensureFresh() {
        X509CRL latest = crls.latest().orElse(null);
        if (schedule.due(latest, clock.instant())) {
            return issueNow("ca", latest == null ? "first CRL" : "scheduled: nextUpdate " + latest.getNextUpdate().toInstant() + " is near");
        }
        int listed = latest.getRevokedCertificates() == null ? 0 : latest.getRevokedCertificates().size();
        if (certificates.revokedCount() > listed) {
            return issueNow("ca", "certificates were revoked after the CRL of " + latest.getThisUpdate().toInstant());
        }
        return latest;
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private void publish(X509CRL crl) {
        try {
            AtomicFiles.write(publishDir.resolve("crl.der"), crl.getEncoded(), AtomicFiles.WORLD_READABLE);
            byte[] pem = Pem.encode(crl).getBytes(StandardCharsets.US_ASCII);
            AtomicFiles.write(publishDir.resolve("crl.pem"), pem, AtomicFiles.WORLD_READABLE);
            AtomicFiles.write(publishDir.resolve(TrustDirectory.subjectHash(crl.getIssuerX500Principal()) + ".r0"), pem, AtomicFiles.WORLD_READABLE);
        } catch (CRLException e) {
            throw new GridAuthException(CaError.SIGNING_FAILED, e, caKey.description(), "the CRL cannot be encoded");
        }
    }
}
