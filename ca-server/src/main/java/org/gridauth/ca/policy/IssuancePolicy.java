package org.gridauth.ca.policy;

import java.time.Period;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.profile.CertificateProfile;
import org.gridauth.gsi.profile.KeySize;

/**
 * Decides whether an inspected request may be issued under a profile: known profile, key size floor, namespace
 * (signing_policy), subject form, lifetime cap. Pure: no clock, no database; R-CA-4 uniqueness is the store's
 * constraint.
 */
public final class IssuancePolicy {

    private final CaPolicy policy;

    public IssuancePolicy(CaPolicy policy) {
        this.policy = policy;
    }

    public IssuanceDecision decide(IssueOrder order, InspectedCsr csr) {
        CaProfile profile = policy.profiles().get(order.profile());
        if (profile == null) {
            throw new GridAuthException(CaError.UNKNOWN_PROFILE, order.profile(), String.join(", ", policy.profiles().keySet()));
        }
        CertificateProfile certificate = profile.certificate();
        int bits = KeySize.rsaEquivalentBits(csr.publicKey());
        if (bits < certificate.minimumKeyBits()) {
            throw new GridAuthException(CaError.CSR_WEAK_KEY, KeySize.bits(csr.publicKey()), csr.publicKey().getAlgorithm(),
                    certificate.minimumKeyBits(), profile.name());
        }
        if (!policy.namespace().permits(csr.subject())) {
            throw new GridAuthException(CaError.SUBJECT_OUTSIDE_NAMESPACE, csr.subject().toOpenSsl(), String.join(" ", policy.namespace().subjects()));
        }
        String hpciId = profile.subjectRule() == SubjectRule.CLIENT ? order.hpciId() : null;
        java.util.List<String> dnsNames = csr.dnsNames();
        String commonName = SubjectRule.commonName(csr.subject());
        if (dnsNames.isEmpty() && profile.subjectRule() == SubjectRule.HOST) {
            dnsNames = java.util.List.of(commonName);
        }
        if (dnsNames.isEmpty() && profile.subjectRule() == SubjectRule.SERVICE && commonName.contains("/")) {
            dnsNames = java.util.List.of(commonName.substring(commonName.indexOf('/') + 1));
        }
        var problem = profile.subjectRule().check(commonName, order.hpciId(), dnsNames);
        if (problem.isPresent()) {
            throw new GridAuthException(CaError.SUBJECT_NOT_ALLOWED, csr.subject().toOpenSsl(), profile.name(), problem.get());
        }
        return new IssuanceDecision(profile.name(), capped(certificate, order.lifetimeDays()), csr.subject(), csr.publicKey(), dnsNames, hpciId);
    }

    /** The profile with its validity shortened to the requested number of days, which may not exceed it. */
    static CertificateProfile capped(CertificateProfile profile, Integer lifetimeDays) {
        if (lifetimeDays == null) {
            return profile;
        }
        // The longest a profile's validity can be in days, counted from any start date (13 months: 397 days at most).
        LocalDate start = LocalDate.of(2000, 1, 31);
        long maxDays = ChronoUnit.DAYS.between(start, start.plus(profile.validity()));
        for (int month = 2; month <= 12; month++) {
            LocalDate other = LocalDate.of(2001, month, 1);
            maxDays = Math.min(maxDays, ChronoUnit.DAYS.between(other, other.plus(profile.validity())));
        }
        if (lifetimeDays < 1 || lifetimeDays > maxDays) {
            throw new GridAuthException(CaError.LIFETIME_TOO_LONG, lifetimeDays, maxDays, profile.name());
        }
        return new CertificateProfile(profile.name(), profile.kind(), Period.ofDays(lifetimeDays), profile.minimumKeyBits(),
                profile.keyUsage(), profile.extendedKeyUsage(), profile.pathLength(), profile.subjectAltNameRequired(),
                profile.signatureAlgorithm());
    }
}
