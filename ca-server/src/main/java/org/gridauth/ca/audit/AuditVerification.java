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
        String previous = AuditHashes.GENESIS;
        long expected = 1;
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
}
