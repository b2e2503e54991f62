package org.gridauth.gsi.profile;

import java.math.BigInteger;
import java.net.URI;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;

import org.gridauth.gsi.dn.GridDn;

/**
 * Everything that varies between two certificates of the same profile.
 *
 * @param profile          the profile to apply
 * @param subject          the subject DN
 * @param publicKey        the subject's public key
 * @param serial           the serial number; the CA chooses it (random, at least 64 bits, unique in its database)
 * @param notBefore        start of validity; null means "now" by the maker's clock
 * @param dnsNames         subjectAltName dNSName values (hosts, services)
 * @param crlDistribution  CRL distribution point URL, or null
 * @param ocspResponder    AIA OCSP URL, or null
 * @param caIssuers        AIA caIssuers URL (where the CA certificate is published), or null
 * @param policyOids       certificatePolicies OIDs (the CP/CPS OID), possibly empty
 */
public record IssuanceRequest(CertificateProfile profile, GridDn subject, PublicKey publicKey, BigInteger serial,
                              Instant notBefore, List<String> dnsNames, URI crlDistribution, URI ocspResponder,
                              URI caIssuers, List<String> policyOids) {

    public IssuanceRequest {
        dnsNames = dnsNames == null ? List.of() : List.copyOf(dnsNames);
        policyOids = policyOids == null ? List.of() : List.copyOf(policyOids);
        if (profile == null || subject == null || publicKey == null || serial == null) {
            throw new IllegalArgumentException("profile, subject, public key and serial are required");
        }
    }

    /** The common case: no extra names, links or policies. */
    public static IssuanceRequest of(CertificateProfile profile, GridDn subject, PublicKey publicKey, BigInteger serial) {
        return new IssuanceRequest(profile, subject, publicKey, serial, null, List.of(), null, null, null, List.of());
    }

    public IssuanceRequest withDnsNames(List<String> names) {
        return new IssuanceRequest(profile, subject, publicKey, serial, notBefore, names, crlDistribution, ocspResponder, caIssuers, policyOids);
    }

    public IssuanceRequest withLinks(URI crl, URI ocsp, URI issuers) {
        return new IssuanceRequest(profile, subject, publicKey, serial, notBefore, dnsNames, crl, ocsp, issuers, policyOids);
    }

    public IssuanceRequest withPolicies(List<String> oids) {
        return new IssuanceRequest(profile, subject, publicKey, serial, notBefore, dnsNames, crlDistribution, ocspResponder, caIssuers, oids);
    }

    public IssuanceRequest withNotBefore(Instant start) {
        return new IssuanceRequest(profile, subject, publicKey, serial, start, dnsNames, crlDistribution, ocspResponder, caIssuers, policyOids);
    }
}
