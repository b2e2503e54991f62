package org.gridauth.ra.service;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.RaProperties;
import org.gridauth.ra.policy.LicenseIds;
import org.gridauth.ra.policy.Person;
import org.gridauth.ra.protocol.CertManagerClient;
import org.gridauth.ra.protocol.CertManagerMessages.MappingReply;
import org.gridauth.ra.security.RaUser;
import org.gridauth.ra.service.AccessLog.Operation;
import org.gridauth.ra.store.LicenseStore;
import org.gridauth.ra.store.LicenseStore.LicenseRow;
import org.gridauth.ra.store.PeopleStore;
import org.gridauth.ra.store.PeopleStore.PersonRow;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * License IDs (R-RA-2, R-CA-4): issued after the HPCI-ID checks, shown once, stored as a hash, with per-person limits
 * on the total obtained and on those held unused at once. Issuance runs with the person's row locked, so two
 * browsers racing for the last allowed ID get one ID and one clear refusal.
 */
@Service
public class LicenseService {

    /**
     * A newly issued license ID: {@code value} is shown once and then exists nowhere on the server. {@code renews}:
     * the valid certificate a certificate issued with it will supersede (renewal), null for a first certificate.
     */
    public record NewLicense(String ref, String value, Instant expiresAt, Renewal renews) {
        @Override
        public String toString() {
            return "NewLicense[" + ref + " until " + expiresAt + (renews == null ? "" : " renewing " + renews.serial()) + "]";
        }
    }

    /**
     * Where a holder of a valid certificate stands (R-CA-4): from {@code opensAt} (its end of validity minus the
     * renewal window) a license ID for the renewal is given; the new certificate then supersedes this one.
     */
    public record Renewal(String serial, Instant notAfter, Instant opensAt, boolean open) implements java.io.Serializable {
    }

    private final LicenseStore licenses;
    private final PeopleStore people;
    private final SettingsService settings;
    private final CertManagerClient certManager;
    private final TransactionTemplate tx;
    private final AccessLog log;
    private final Clock clock;
    private final Duration renewalWindow;
    private final LicenseIds ids = new LicenseIds(new SecureRandom());

    public LicenseService(LicenseStore licenses, PeopleStore people, SettingsService settings, CertManagerClient certManager, TransactionTemplate tx,
                          AccessLog log, RaProperties properties, Clock clock) {
        this.licenses = licenses;
        this.people = people;
        this.settings = settings;
        this.certManager = certManager;
        this.tx = tx;
        this.log = log;
        this.clock = clock;
        this.renewalWindow = properties.license().renewalWindow();
        if (renewalWindow.isNegative() || renewalWindow.compareTo(MAX_RENEWAL_WINDOW) > 0) {
            // Checked at start-up: near the 13-month client validity, a certificate could be renewed right after its issuance.
            throw new GridAuthException(RaError.CONFIGURATION_INVALID,
                    "gridauth.ra.license.renewal-window must lie between 0d and 365d, not " + renewalWindow.toDays() + "d");
        }
    }

    /** The longest renewal window accepted at start-up. */
    static final Duration MAX_RENEWAL_WINDOW = Duration.ofDays(365);

    public NewLicense issue(RaUser user, String address) {
        try {
            NewLicense license = issueChecked(user);
            log.record(user, address, Operation.LICENSE_ISSUE, "OK", "valid until " + license.expiresAt() + (license.renews() == null ? ""
                    : "; for the renewal of serial " + license.renews().serial() + " (valid until " + license.renews().notAfter() + ")"), license.ref(), null);
            return license;
        } catch (GridAuthException e) {
            log.record(user, address, Operation.LICENSE_ISSUE, "REFUSED", e.getMessage(), null, null);
            throw e;
        }
    }

    private NewLicense issueChecked(RaUser user) {
        Person person = user.person();
        if (person.hpciId() == null) {
            throw new GridAuthException(RaError.ATTRIBUTE_MISSING, "hpciId", "a license ID");
        }
        if (person.eppn() == null) {
            throw new GridAuthException(RaError.ATTRIBUTE_MISSING, "eppn", "a license ID");
        }
        checkBinding(person);
        Renewal renews = renewalAllowed(person.hpciId()).orElse(null);
        PortalSettings s = settings.current();
        String value = ids.generate();
        String ref = UUID.randomUUID().toString();
        Instant now = clock.instant();
        Instant expires = now.plus(s.licenseLifetime());
        tx.executeWithoutResult(status -> {
            PersonRow row = people.lock(person.hpciId()).orElseThrow(() -> new GridAuthException(RaError.NOT_SIGNED_IN));
            if (row.licensesTotal() >= s.maxTotal()) {
                throw new GridAuthException(RaError.LICENSE_LIMIT_TOTAL, s.maxTotal());
            }
            if (licenses.held(person.hpciId(), now) >= s.maxHeld()) {
                throw new GridAuthException(RaError.LICENSE_LIMIT_HELD, s.maxHeld());
            }
            licenses.insert(ref, LicenseIds.hash(LicenseIds.normalise(value)), person.hpciId(), now, expires);
            people.countLicense(person.hpciId());
        });
        return new NewLicense(ref, value, expires, renews);
    }

    /** R-CA-4: the HPCI-ID is bound to this ePPN only (recorded at the first sign-on). */
    void checkBinding(Person person) {
        Optional<PersonRow> byId = people.find(person.hpciId());
        Optional<PersonRow> byEppn = people.byEppn(person.eppn());
        if (byId.isEmpty() && byEppn.isEmpty()) {
            people.seen(person.hpciId(), person.eppn(), person.displayName(), person.mail(), clock.instant());
            byId = people.find(person.hpciId());
        }
        if (byId.isEmpty() || !byId.get().eppn().equals(person.eppn())) {
            throw new GridAuthException(RaError.HPCI_ID_TAKEN, person.hpciId());
        }
    }

    /**
     * R-CA-4: one valid certificate per HPCI-ID. A holder of a valid certificate gets a license ID, and uses one, only
     * within the renewal window before its end of validity (GA-RA-006 says from when); the answer is the certificate
     * the new one will supersede, empty for a first certificate.
     */
    public Optional<Renewal> renewalAllowed(String hpciId) {
        Optional<Renewal> renewal = Optional.empty();
        for (Renewal r : renewals(certManager.mappings(hpciId))) {
            if (!r.open()) {
                throw new GridAuthException(RaError.VALID_CERTIFICATE_EXISTS, r.serial(), r.notAfter(), r.opensAt());
            }
            renewal = Optional.of(r);
        }
        return renewal;
    }

    /** The renewal state of each valid certificate among {@code certificates} (one at most, R-CA-4), for the home page. */
    public List<Renewal> renewals(List<MappingReply> certificates) {
        Instant now = clock.instant();
        return certificates.stream().filter(MappingReply::valid).map(m -> {
            Instant notAfter = Instant.parse(m.notAfter());
            Instant opensAt = notAfter.minus(renewalWindow);
            return new Renewal(m.serial(), notAfter, opensAt, !now.isBefore(opensAt));
        }).toList();
    }

    /**
     * The license ID someone typed, if it is theirs and still usable; GA-RA-009/010/011 otherwise. Claiming it for
     * a request is {@link LicenseStore#claim}, done by the issuance.
     */
    public LicenseRow usable(RaUser user, String typed) {
        String normalised = LicenseIds.normalise(typed);
        if (normalised == null) {
            throw new GridAuthException(RaError.LICENSE_UNKNOWN);
        }
        LicenseRow row = licenses.byHash(LicenseIds.hash(normalised)).orElseThrow(() -> new GridAuthException(RaError.LICENSE_UNKNOWN));
        if (!row.hpciId().equals(user.person().hpciId())) {
            // Someone else's license ID is reported exactly like a mistyped one.
            throw new GridAuthException(RaError.LICENSE_UNKNOWN);
        }
        return stateCheck(row);
    }

    LicenseRow stateCheck(LicenseRow row) {
        Instant now = clock.instant();
        if (row.state() == LicenseStore.State.USED) {
            throw new GridAuthException(RaError.LICENSE_USED);
        }
        if (row.expired(now)) {
            throw new GridAuthException(RaError.LICENSE_EXPIRED, row.expiresAt());
        }
        return row;
    }
}
