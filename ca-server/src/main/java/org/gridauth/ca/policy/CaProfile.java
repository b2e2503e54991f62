package org.gridauth.ca.policy;

import org.gridauth.gsi.profile.CertificateProfile;
import org.gridauth.gsi.profile.CertificateProfiles;

/**
 * One issuable profile: the certificate profile (validity cap, key size floor, usages) and the subject rule.
 *
 * @param certificate what the certificate looks like; its validity is also the longest lifetime one may request
 * @param subjectRule how the subject must look
 */
public record CaProfile(CertificateProfile certificate, SubjectRule subjectRule) {

    public String name() {
        return certificate.name();
    }

    /** The R-CA-3 defaults: client, host and service, RSA 2048, 13 months, digitalSignature + keyEncipherment. */
    public static java.util.List<CaProfile> defaults() {
        return java.util.List.of(new CaProfile(CertificateProfiles.client(), SubjectRule.CLIENT),
                new CaProfile(CertificateProfiles.host(), SubjectRule.HOST),
                new CaProfile(CertificateProfiles.service(), SubjectRule.SERVICE));
    }
}
