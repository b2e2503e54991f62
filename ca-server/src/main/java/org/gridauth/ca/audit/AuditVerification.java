package org.gridauth.ca.audit;

import java.util.List;

/**
 * The outcome of checking the whole trail.
 *
 * @param records     how many records were read
 * @param lastHash    hash of the last record (what a checkpoint or an operator's note should hold)
 * @param firstBroken sequence number where the chain first breaks, or 0 when intact
 * @param problem     what is wrong there, or empty when intact
 */
public record AuditVerification(long records, String lastHash, long firstBroken, String problem) {

    public boolean intact() {
        return firstBroken == 0;
    }

    /**
     * Checks records read in sequence order against the chain rule and against the head the store keeps
     * (sequence and hash of the newest record), which catches records removed from the end.
     */
    public static AuditVerification check(List<AuditRecord> records, long headSequence, String headHash) {
        return check(records, 1, AuditHashes.GENESIS, headSequence, headHash);
    }

    /**
     * The same from a starting point: after older records were archived, the trail starts at {@code firstSequence}
     * and its first record must follow {@code previousHash} (the archived last record's hash).
     */
    public static AuditVerification check(List<AuditRecord> records, long firstSequence, String previousHash, long headSequence, String headHash) {
        String previous = previousHash;
        long expected = firstSequence;
        for (AuditRecord record : records) {
            if (record.sequence() != expected) {
                return new AuditVerification(records.size(), previous, expected,
                        "record " + expected + " is missing (next present is " + record.sequence() + ")");
            }
            if (!record.previousHash().equals(previous)) {
                return new AuditVerification(records.size(), previous, expected,
                        "it does not follow the record before it (removed, inserted or reordered records)");
            }
            if (!AuditHashes.hash(record).equals(record.hash())) {
                return new AuditVerification(records.size(), previous, expected, "its content was changed after it was written");
            }
            previous = record.hash();
            expected++;
        }
        if (headSequence != expected - 1 || !headHash.equals(previous)) {
            return new AuditVerification(records.size(), previous, expected,
                    "the trail ends at record " + (expected - 1) + " but the head says " + headSequence + " (records removed from the end)");
        }
        return new AuditVerification(records.size(), previous, 0, "");
    }

    /**
     * Also checks signed checkpoints: each must verify with the CA certificate and name a record that is still
     * there with the same hash. This catches a rewritten chain whose hashes were recomputed.
     */
    public static AuditVerification check(List<AuditRecord> records, long headSequence, String headHash, List<Checkpoint> checkpoints,
                                          java.security.cert.X509Certificate ca) {
        long first = records.isEmpty() ? headSequence + 1 : records.get(0).sequence();
        AuditVerification chain;
        if (first == 1) {
            chain = check(records, headSequence, headHash);
        } else {
            // Older records were archived: a signed checkpoint must vouch for the last archived record.
            Checkpoint anchor = checkpoints.stream().filter(c -> c.sequence() == first - 1).findFirst().orElse(null);
            if (anchor == null || !anchor.verifies(ca)) {
                return new AuditVerification(records.size(), AuditHashes.GENESIS, 1,
                        "records 1 to " + (first - 1) + " are gone and no checkpoint signed by the CA vouches for record " + (first - 1));
            }
            chain = check(records, first, anchor.hash(), headSequence, headHash);
        }
        java.util.Map<Long, AuditRecord> bySequence = new java.util.HashMap<>();
        records.forEach(r -> bySequence.put(r.sequence(), r));
        for (Checkpoint checkpoint : checkpoints) {
            if (!checkpoint.verifies(ca)) {
                return first(chain, new AuditVerification(records.size(), chain.lastHash(), checkpoint.sequence(),
                        "the checkpoint signed for it does not verify with the CA certificate"));
            }
            if (checkpoint.sequence() < first - 1) {
                continue;
            }
            AuditRecord record = checkpoint.sequence() == first - 1 ? null : bySequence.get(checkpoint.sequence());
            boolean anchorOnly = checkpoint.sequence() == first - 1;
            if (!anchorOnly && (record == null || !record.hash().equals(checkpoint.hash()))) {
                return first(chain, new AuditVerification(records.size(), chain.lastHash(), checkpoint.sequence(),
                        "it differs from the checkpoint the CA signed at " + checkpoint.time()));
            }
        }
        return chain;
    }

    private static AuditVerification first(AuditVerification a, AuditVerification b) {
        if (a.intact()) {
            return b;
        }
        return a.firstBroken() <= b.firstBroken() ? a : b;
    }
}
