package org.gridauth.ca.service;

import org.gridauth.ca.CaError;
import org.gridauth.ca.audit.AuditFilter;
import org.gridauth.ca.audit.AuditPage;
import org.gridauth.ca.audit.AuditTrail;
import org.gridauth.ca.protocol.AuditQuery;
import org.gridauth.ca.protocol.RaCodec;
import org.gridauth.gsi.error.GridAuthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/audit} on the RA link: an RA (the portal's console, R-RA-11) reads the CA's audit trail with
 * filters. Reading changes nothing, so unlike the other RA operations it needs no request ID; it is not chained into
 * the trail either (a console showing the trail would otherwise grow it with every look), but the CA log names
 * each reader, and the portal records who looked in its own access log.
 */
public final class AuditSearch {

    private static final Logger LOG = LoggerFactory.getLogger(AuditSearch.class);

    private final AuditTrail audit;
    private final RaCodec codec;

    public AuditSearch(AuditTrail audit, RaCodec codec) {
        this.audit = audit;
        this.codec = codec;
    }

    /** Answers the query string of {@code GET /v1/audit} from the RA {@code ra}. */
    public RaLinkService.Reply search(String ra, String rawQuery) {
        try {
            AuditFilter filter = AuditQuery.parse(rawQuery);
            AuditPage page = audit.search(filter);
            LOG.info("RA link: {} read {} audit record(s)", ra, page.records().size());
            return new RaLinkService.Reply(200, codec.write(AuditQuery.Reply.of(page)));
        } catch (GridAuthException e) {
            return new RaLinkService.Reply(RaCodec.status(e.code()), codec.write(codec.error(e)), e.code().code());
        } catch (RuntimeException e) {
            LOG.error("RA link: reading the audit trail failed", e);
            GridAuthException internal = new GridAuthException(CaError.INTERNAL, e, e.getClass().getSimpleName());
            return new RaLinkService.Reply(500, codec.write(codec.error(internal)), internal.code().code());
        }
    }
}
