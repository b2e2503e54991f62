package org.gridauth.ca.policy;

import java.time.Duration;
import java.time.Instant;
import java.security.cert.X509CRL;

import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * When CRLs are made (R-CA-5): each is valid for {@code validity} (30 days), a new one is due {@code reissueBefore}
 * (7 days) before the current one's nextUpdate, and, if {@code onRevocation}, after every revocation.
 */
public record CrlSchedule(Duration validity, Duration reissueBefore, boolean onRevocation) {

    public CrlSchedule {
        if (validity == null || reissueBefore == null || validity.isNegative() || validity.isZero()
                || reissueBefore.isNegative() || reissueBefore.compareTo(validity) >= 0) {
            throw new GridAuthException(CaError.CONFIGURATION_INVALID, "crl", "the CRL validity must be positive and longer than the re-issue margin");
        }
    }

    public static CrlSchedule defaults() {
        return new CrlSchedule(Duration.ofDays(30), Duration.ofDays(7), true);
    }

    /** Whether a new CRL is due at {@code now}, given the newest one (or none). */
    public boolean due(X509CRL latest, Instant now) {
        return due(latest == null ? null : latest.getNextUpdate().toInstant(), now);
    }

    /** Whether a new CRL is due at {@code now}, given the nextUpdate of the newest one (null: none yet). */
    public boolean due(Instant latestNextUpdate, Instant now) {
        return latestNextUpdate == null || !now.isBefore(latestNextUpdate.minus(reissueBefore));
    }
}
