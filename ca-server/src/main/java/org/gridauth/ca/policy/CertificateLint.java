package org.gridauth.ca.policy;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.x509.Extension;
import org.gridauth.gsi.profile.KeySize;

/**
 * IGTF MICS / RFC 5280 style checks of an issued certificate: what an accreditation review or a relying party's
 * linter would object to. Returns the findings; an empty list means the certificate passes.
 */
public final class CertificateLint {

    private static final Set<String> STRONG_SIGNATURES = Set.of(
            "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13", // sha256/384/512WithRSA
            "1.2.840.113549.1.1.10", // RSASSA-PSS
            "1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4"); // ecdsa-with-SHA256/384/512
    private static final Duration END_ENTITY_MAX = Duration.ofDays(396);

    public List<String> check(X509Certificate certificate) {
        List<String> findings = new ArrayList<>();
        boolean ca = certificate.getBasicConstraints() >= 0;
        Set<String> critical = certificate.getCriticalExtensionOIDs() == null ? Set.of() : certificate.getCriticalExtensionOIDs();
        if (certificate.getVersion() != 3) {
            findings.add("not an X.509 v3 certificate");
        }
        if (!STRONG_SIGNATURES.contains(certificate.getSigAlgOID())) {
            findings.add("weak or unknown signature algorithm " + certificate.getSigAlgName() + " (SHA-1 and MD5 are not allowed)");
        }
        if (certificate.getSerialNumber().signum() <= 0 || certificate.getSerialNumber().bitLength() < 64
                || certificate.getSerialNumber().toByteArray().length > 20) {
            findings.add("the serial must be positive, carry at least 64 bits and fit in 20 octets");
        }
        if (KeySize.rsaEquivalentBits(certificate.getPublicKey()) < 2048) {
            findings.add("the key is weaker than RSA 2048");
        }
        if (certificate.getKeyUsage() == null) {
            findings.add("keyUsage is missing");
        } else if (!critical.contains(Extension.keyUsage.getId())) {
            findings.add("keyUsage is not critical");
        }
        if (certificate.getExtensionValue(Extension.basicConstraints.getId()) == null) {
            findings.add("basicConstraints is missing");
        } else if (ca && !critical.contains(Extension.basicConstraints.getId())) {
            findings.add("basicConstraints is not critical on a CA certificate");
        }
        if (certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId()) == null) {
            findings.add("subjectKeyIdentifier is missing");
        }
        if (certificate.getExtensionValue(Extension.authorityKeyIdentifier.getId()) == null) {
            findings.add("authorityKeyIdentifier is missing");
        }
        if (ca) {
            boolean[] usage = certificate.getKeyUsage();
            if (usage == null || !usage[5] || !usage[6]) {
                findings.add("a CA certificate needs keyCertSign and cRLSign");
            }
            return findings;
        }
        boolean[] usage = certificate.getKeyUsage();
        if (usage != null && (usage[5] || usage[6])) {
            findings.add("an end-entity certificate must not have keyCertSign or cRLSign");
        }
        if (certificate.getExtensionValue(Extension.cRLDistributionPoints.getId()) == null) {
            findings.add("an end-entity certificate needs a CRL distribution point");
        }
        if (certificate.getExtensionValue(Extension.certificatePolicies.getId()) == null) {
            findings.add("certificatePolicies (the CP/CPS OID) is missing");
        }
        try {
            if (certificate.getExtendedKeyUsage() == null) {
                findings.add("extendedKeyUsage is missing");
            }
        } catch (CertificateParsingException e) {
            findings.add("extendedKeyUsage cannot be parsed");
        }
        Duration lifetime = Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
        if (lifetime.compareTo(END_ENTITY_MAX) > 0) {
            findings.add("an end-entity certificate may live 13 months at most, not " + lifetime.toDays() + " days");
        }
        return findings;
    }
}
