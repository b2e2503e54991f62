package org.gridauth.ca.policy;

import java.security.PublicKey;
import java.util.List;

import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateProfile;

/**
 * What the policy allows: everything the signing step needs except the serial.
 *
 * @param profile     the profile name as requested
 * @param certificate the certificate profile to apply, its validity already capped to the requested lifetime
 * @param subject     the subject DN
 * @param publicKey   the key to certify
 * @param dnsNames    subjectAltName DNS names
 * @param hpciId      the HPCI-ID a client certificate binds (R-CA-4), else null
 */
public record IssuanceDecision(String profile, CertificateProfile certificate, GridDn subject, PublicKey publicKey,
                               List<String> dnsNames, String hpciId) {
}
