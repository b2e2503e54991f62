package org.gridauth.gridmap.sync;

import java.util.List;

/**
 * One entry of the certificate manager's feed ({@code gridauth-feed/1}), keyed by serial.
 *
 * @param status {@code valid}, or why the mapping must go (revoked, superseded, deleted, suspended, expired,
 *               removed-from-project, or anything else)
 */
public record FeedEntry(String serial, String subjectDn, String hpciId, String eppn, String localAccount, String location, String notAfter,
                        String status, List<String> resources) {

    public boolean valid() {
        return "valid".equals(status);
    }
}
