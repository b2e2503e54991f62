package org.gridauth.ra.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.policy.InputRules;
import org.gridauth.ra.protocol.CaLinkClient;
import org.gridauth.ra.protocol.CertManagerClient;
import org.gridauth.ra.protocol.CertManagerMessages.MappingReply;
import org.gridauth.ra.protocol.CertManagerMessages.RevokeRequest;
import org.gridauth.ra.security.RaUser;
import org.gridauth.ra.service.AccessLog.Operation;
import org.gridauth.ra.store.AccessLogStore;
import org.gridauth.ra.store.AccessLogStore.AccessRecord;
import org.gridauth.ra.store.IssuanceStore;
import org.gridauth.ra.store.IssuanceStore.IssuanceRow;
import org.gridauth.ra.store.LicenseStore;
import org.gridauth.ra.store.LicenseStore.LicenseRow;
import org.gridauth.ra.store.PeopleStore;
import org.gridauth.ra.store.PeopleStore.PersonRow;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * The admin console's operations (R-RA-11): search, person detail, revocation with reason, access log and CA audit
 * trail with filters. Every call records itself in the access log, reads included, so auditors see who looked at what.
 */
@Service
public class AdminConsole {

    /** Everything the person page shows. */
    public record PersonView(PersonRow person, List<LicenseRow> licenses, List<IssuanceRow> issuances, List<MappingReply> certificates,
                             String certificateProblem) {
    }

    public static final List<String> REASONS = List.of("unspecified", "keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation",
            "privilegeWithdrawn");

    private final PeopleStore people;
    private final LicenseStore licenses;
    private final IssuanceStore issuances;
    private final AccessLogStore accessLog;
    private final CertManagerClient certManager;
    private final ObjectProvider<CaLinkClient> ca;
    private final AccessLog log;
    private final Clock clock;

    public AdminConsole(PeopleStore people, LicenseStore licenses, IssuanceStore issuances, AccessLogStore accessLog, CertManagerClient certManager,
                        ObjectProvider<CaLinkClient> ca, AccessLog log, Clock clock) {
        this.people = people;
        this.licenses = licenses;
        this.issuances = issuances;
        this.accessLog = accessLog;
        this.certManager = certManager;
        this.ca = ca;
        this.log = log;
        this.clock = clock;
    }

    public List<PersonRow> searchPeople(RaUser admin, String text, String address) {
        String q = InputRules.optional("search", text, 256);
        if (q == null) {
            return List.of();
        }
        log.record(admin, address, Operation.ADMIN_VIEW, "OK", "search people: " + q, null, null);
        return people.search(q, 100);
    }

    public List<IssuanceRow> searchCertificates(RaUser admin, String text, String address) {
        String q = InputRules.optional("search", text, 256);
        if (q == null) {
            return List.of();
        }
        log.record(admin, address, Operation.ADMIN_VIEW, "OK", "search certificates: " + q, null, null);
        return issuances.search(q, 100);
    }

    public PersonView person(RaUser admin, String hpciId, String address) {
        String id = InputRules.required("HPCI-ID", hpciId, 64);
        PersonRow row = people.find(id).orElseThrow(() -> new GridAuthException(RaError.REQUEST_NOT_FOUND, id));
        log.record(admin, address, Operation.ADMIN_VIEW, "OK", "person " + id, null, null);
        List<MappingReply> certificates = List.of();
        String problem = null;
        try {
            certificates = certManager.mappings(id);
        } catch (GridAuthException e) {
            problem = e.getMessage();
        }
        return new PersonView(row, licenses.of(id), issuances.of(id), certificates, problem);
    }

    public void revoke(RaUser operator, String hpciId, String serial, String reason, String address) {
        try {
            String id = InputRules.required("HPCI-ID", hpciId, 64);
            String hex = InputRules.matching("serial", serial, 64, "[0-9A-Fa-f]+", "a certificate serial is hexadecimal");
            if (hex == null) {
                throw new GridAuthException(RaError.INPUT_INVALID, "serial", "it is empty");
            }
            if (reason == null || !REASONS.contains(reason)) {
                throw new GridAuthException(RaError.INPUT_INVALID, "reason", "choose one of the offered reasons");
            }
            certManager.revoke(new RevokeRequest("rv-" + UUID.randomUUID(), id, hex, reason));
            log.record(hpciId, null, "OPERATOR " + operator.actor(), address, Operation.CERT_REVOKE, "OK", "by operator " + operator.actor() + ", reason "
                    + reason, null, hex);
        } catch (GridAuthException e) {
            log.record(operator, address, Operation.CERT_REVOKE, "REFUSED", "of " + hpciId + ": " + e.getMessage(), null, null);
            throw e;
        }
    }

    public List<AccessRecord> accessLog(RaUser admin, AccessLogStore.Filter filter, String address) {
        log.record(admin, address, Operation.ADMIN_VIEW, "OK", "access log " + filter, null, null);
        return accessLog.search(filter, 500);
    }

    /**
     * The CA's audit trail through the RA link's audit query. The look is recorded in the access log with its filter,
     * also when the CA cannot answer (then with the error code, and the error goes on to the page).
     */
    public CaLinkClient.AuditPage caAudit(RaUser admin, CaLinkClient.AuditQuery query, String address) {
        String what = "CA audit trail " + query.queryString();
        try {
            CaLinkClient client = ca.getIfAvailable();
            if (client == null) {
                throw new GridAuthException(RaError.CONFIGURATION_INVALID, "gridauth.ra.ca.url is not set, so the CA audit trail cannot be shown");
            }
            CaLinkClient.AuditPage page = client.audit(query);
            log.record(admin, address, Operation.ADMIN_VIEW, "OK", what + " (" + page.records().size() + " records)", null, null);
            return page;
        } catch (GridAuthException e) {
            log.record(admin, address, Operation.ADMIN_VIEW, "REFUSED", what + ": " + e.code().code(), null, null);
            throw e;
        }
    }

    public Instant now() {
        return clock.instant();
    }
}
