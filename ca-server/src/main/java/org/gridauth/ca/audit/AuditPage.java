package org.gridauth.ca.audit;

import java.util.List;

/**
 * One page of a filtered read of the trail, newest first.
 *
 * @param records the matching records, at most the filter's limit
 * @param next    the sequence number to pass as {@code before} for the next page, or null when there is none
 */
public record AuditPage(List<AuditRecord> records, Long next) {

    public AuditPage {
        records = List.copyOf(records);
    }
}
