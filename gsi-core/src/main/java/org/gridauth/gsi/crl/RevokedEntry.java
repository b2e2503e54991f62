package org.gridauth.gsi.crl;

import java.math.BigInteger;
import java.time.Instant;

/**
 * One revoked certificate.
 *
 * @param serial  its serial number
 * @param revoked when it was revoked
 * @param reason  RFC 5280 CRLReason code (0 unspecified, 1 keyCompromise, 3 affiliationChanged, 4 superseded,
 *                5 cessationOfOperation, ...)
 */
public record RevokedEntry(BigInteger serial, Instant revoked, int reason) {
}
