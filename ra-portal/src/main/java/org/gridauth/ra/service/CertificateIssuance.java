package org.gridauth.ra.service;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.RaProperties;
import org.gridauth.ra.policy.InputRules;
import org.gridauth.ra.policy.PassphrasePolicy;
import org.gridauth.ra.protocol.CertManagerClient;
import org.gridauth.ra.protocol.CertManagerMessages.IssueReply;
import org.gridauth.ra.protocol.CertManagerMessages.IssueRequest;
import org.gridauth.ra.protocol.CertManagerMessages.MappingReply;
import org.gridauth.ra.protocol.CertManagerMessages.RevokeRequest;
import org.gridauth.ra.protocol.PeerRefusal;
import org.gridauth.ra.security.RaUser;
import org.gridauth.ra.service.AccessLog.Operation;
import org.gridauth.ra.service.LicenseService.Renewal;
import org.gridauth.ra.store.IssuanceStore;
import org.gridauth.ra.store.IssuanceStore.IssuanceRow;
import org.gridauth.ra.store.LicenseStore;
import org.gridauth.ra.store.LicenseStore.LicenseRow;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Client certificates (R-RA-3, R-RA-4, R-RA-6) as named steps: {@link #prepare} checks the license ID, the renewal
 * window of a certificate still valid (R-CA-4), builds the CN from attributes and checks it is free (the person
 * confirms it on the next page); {@link #issue} checks the passphrase, claims the license ID (one request only), asks
 * the certificate manager with the license's request ID (a retry never issues twice), records, notifies. A renewal
 * is an issuance like any other: the certificate manager names the valid certificate to the CA, which revokes it
 * (superseded) in the transaction that records the new one.
 */
@Service
public class CertificateIssuance {

    /** Destinations the researcher chooses (R-RA-3). */
    public enum Destination { STORE, MYPROXY, DOWNLOAD }

    /**
     * What the confirmation page shows and the issuance then uses; kept in the session, no secret in it. {@code renews}:
     * the valid certificate the new one supersedes, null for a first certificate.
     */
    public record Draft(String licenseRef, String commonName, Destination destination, Instant preparedAt, Renewal renews) implements Serializable {
    }

    /**
     * The result page's content: for DOWNLOAD the encrypted key and PKCS#12 under the researcher's passphrase;
     * {@code superseded} the serial of the certificate this one replaced (now revoked), null for a first certificate.
     */
    public record Issued(String serial, String subject, String notAfter, Destination destination, String myproxyUsername, String certificatePem,
                         String encryptedKeyPem, String pkcs12Base64, String warning, String superseded) implements Serializable {
    }

    /**
     * A claim older than this many certificate-manager timeouts is from a request that died with its portal instance:
     * a live request has had its answer or given up (connection and reply each within the timeout) and released it. The
     * license ID may then be used again, with the same request ID, so the certificate manager answers with the
     * certificate it may already have issued (issue #11 item 3: another instance behind the balancer finishes it).
     */
    static final int STALE_CLAIM_TIMEOUTS = 3;

    private final LicenseService licenseService;
    private final LicenseStore licenses;
    private final IssuanceStore issuances;
    private final SettingsService settings;
    private final CertManagerClient certManager;
    private final Notifier notifier;
    private final AccessLog log;
    private final PassphrasePolicy passphrases;
    private final Duration staleClaim;
    private final TransactionTemplate transaction;
    private final Clock clock;

    public CertificateIssuance(LicenseService licenseService, LicenseStore licenses, IssuanceStore issuances, SettingsService settings,
                               CertManagerClient certManager, Notifier notifier, AccessLog log, RaProperties properties,
                               TransactionTemplate transaction, Clock clock) {
        this.staleClaim = properties.certManager().timeout().multipliedBy(STALE_CLAIM_TIMEOUTS);
        this.transaction = transaction;
        this.licenseService = licenseService;
        this.licenses = licenses;
        this.issuances = issuances;
        this.settings = settings;
        this.certManager = certManager;
        this.notifier = notifier;
        this.log = log;
        this.passphrases = new PassphrasePolicy(properties.passphrase().minLength(), properties.passphrase().maxLength());
        this.clock = clock;
    }

    public PassphrasePolicy passphrasePolicy() {
        return passphrases;
    }

    public static Destination destination(String text) {
        try {
            return Destination.valueOf(InputRules.required("destination", text, 16).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new GridAuthException(RaError.INPUT_INVALID, "destination", "choose the certificate manager, MyProxy or download");
        }
    }

    /**
     * Step 1: license ID usable, a valid certificate within its renewal window (R-CA-4: a license ID obtained earlier,
     * or a second one held at once, does not bypass the window), CN from attributes (R-RA-4), CN not in use. Nothing
     * is claimed yet.
     */
    public Draft prepare(RaUser user, String typedLicense, String destinationText, String address) {
        try {
            InputRules.required("license ID", typedLicense, 64);
            Destination destination = destination(destinationText);
            LicenseRow license = licenseService.usable(user, typedLicense);
            Renewal renews = licenseService.renewalAllowed(user.person().hpciId()).orElse(null);
            String cn = settings.current().cnFormat().render(user.person());
            if (certManager.commonNameInUse(cn, user.person().hpciId())) {
                throw new GridAuthException(RaError.CN_IN_USE, cn);
            }
            return new Draft(license.id(), cn, destination, clock.instant(), renews);
        } catch (GridAuthException e) {
            log.record(user, address, Operation.CERT_ISSUE, "REFUSED", "before confirmation: " + e.getMessage(), null, null);
            throw e;
        }
    }

    /** Step 2, after the person confirmed the CN: the passphrase, then one claim, one request, one certificate. */
    public Issued issue(RaUser user, Draft draft, char[] passphrase, char[] confirmation, String address) {
        try {
            passphrases.check("private-key passphrase", passphrase, confirmation);
            LicenseRow license = licenses.byId(draft.licenseRef()).orElseThrow(() -> new GridAuthException(RaError.LICENSE_UNKNOWN));
            if (!license.hpciId().equals(user.person().hpciId())) {
                throw new GridAuthException(RaError.LICENSE_UNKNOWN);
            }
            Instant now = clock.instant();
            licenses.releaseStale(license.id(), now.minus(staleClaim));
            if (!licenses.claim(license.id(), now)) {
                LicenseRow after = licenses.byId(license.id()).orElseThrow();
                licenseService.stateCheck(after);
                throw new GridAuthException(RaError.LICENSE_IN_USE);
            }
            IssueReply reply;
            try {
                String cn = settings.current().cnFormat().render(user.person());
                if (!cn.equals(draft.commonName())) {
                    throw new GridAuthException(RaError.FORM_EXPIRED);
                }
                reply = certManager.issue(new IssueRequest("ra-" + license.id(), user.person().hpciId(), user.person().eppn(), user.person().mail(),
                        cn, passphrase.clone(), confirmation.clone(), draft.destination().name(), null));
            } catch (PeerRefusal e) {
                // Refused: nothing was issued for this request ID; the license ID can be used again after a correction.
                licenses.release(license.id());
                throw e;
            } catch (GridAuthException e) {
                // Unreachable or unclear: releasing is still safe, a retry with the same request ID gets the same certificate.
                licenses.release(license.id());
                throw e;
            }
            // One transaction: a portal killed between the two would leave the license ID used and its certificate unrecorded.
            transaction.executeWithoutResult(status -> {
                licenses.used(license.id(), reply.serial(), clock.instant());
                issuances.insert(new IssuanceRow(license.id(), user.person().hpciId(), draft.commonName(), reply.subject(), reply.serial(),
                        draft.destination().name(), reply.notAfter() == null ? null : Instant.parse(reply.notAfter()), clock.instant()));
            });
            String superseded = draft.renews() == null ? null : draft.renews().serial();
            log.record(user, address, Operation.CERT_ISSUE, "OK", reply.subject() + " to " + draft.destination()
                    + (superseded == null ? "" : "; renewal, serial " + superseded + " revoked as superseded")
                    + (reply.warning() == null ? "" : "; " + reply.warning()), license.id(), reply.serial());
            notifier.issued(user.person(), "client certificate", reply.subject(), reply.serial());
            return new Issued(reply.serial(), reply.subject(), reply.notAfter(), draft.destination(), reply.myproxyUsername(), reply.certificate(),
                    reply.encryptedKey(), reply.pkcs12(), reply.warning(), superseded);
        } catch (GridAuthException e) {
            log.record(user, address, Operation.CERT_ISSUE, "REFUSED", e.getMessage(), draft.licenseRef(), null);
            throw e;
        } finally {
            wipe(passphrase);
            wipe(confirmation);
        }
    }

    /** Self-service revocation (R-RA-11 for researchers): only the person's own valid certificate. */
    public void revoke(RaUser user, String serial, String reasonText, String address) {
        String reason = reasonText == null || reasonText.isBlank() ? "unspecified" : reasonText;
        if (!reason.matches("unspecified|keyCompromise|affiliationChanged|superseded|cessationOfOperation")) {
            throw new GridAuthException(RaError.INPUT_INVALID, "reason", "choose one of the offered reasons");
        }
        try {
            String hex = InputRules.matching("serial", serial, 64, "[0-9A-Fa-f]+", "a certificate serial is hexadecimal");
            boolean mine = hex != null && certManager.mappings(user.person().hpciId()).stream().anyMatch(m -> m.valid() && m.serial().equalsIgnoreCase(hex));
            if (!mine) {
                throw new GridAuthException(RaError.NOT_REVOCABLE, String.valueOf(hex));
            }
            certManager.revoke(new RevokeRequest("rv-" + UUID.randomUUID(), user.person().hpciId(), hex, reason));
            log.record(user, address, Operation.CERT_REVOKE, "OK", "by the holder, reason " + reason, null, hex);
        } catch (GridAuthException e) {
            log.record(user, address, Operation.CERT_REVOKE, "REFUSED", e.getMessage(), null, serial == null || serial.length() > 64 ? null : serial);
            throw e;
        }
    }

    public java.util.List<MappingReply> certificates(RaUser user) {
        return user.person().hpciId() == null ? java.util.List.of() : certManager.mappings(user.person().hpciId());
    }

    private static void wipe(char[] secret) {
        if (secret != null) {
            java.util.Arrays.fill(secret, '\0');
        }
    }
}
