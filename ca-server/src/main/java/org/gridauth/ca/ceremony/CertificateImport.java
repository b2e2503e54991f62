package org.gridauth.ca.ceremony;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridauth.ca.CaError;
import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.audit.AuditTrail;
import org.gridauth.ca.token.Pkcs11Token;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.trust.IgtfInfo;

/**
 * The second half of a CSR ceremony: store the certificate an external root issued for the HSM key (and the
 * root above it) next to the key, after checking that it certifies exactly that key, is a CA certificate that may
 * sign certificates and CRLs, and (with a root given) is signed by the root. Audited as CA_CERTIFICATE_IMPORTED.
 */
public final class CertificateImport {

    private final AuditTrail audit;

    public CertificateImport(AuditTrail audit) {
        this.audit = audit;
    }

    public AuditRecord run(Pkcs11Token token, String label, List<X509Certificate> chain, List<String> operators) {
        try {
            return importChain(token, label, chain, operators);
        } catch (GridAuthException e) {
            audit.append(new AuditEvent("CA_CERTIFICATE_IMPORT_REFUSED", String.join(", ", operators),
                    chain.isEmpty() ? "(none)" : GridDn.of(chain.get(0).getSubjectX500Principal()).toOpenSsl(),
                    Map.of("key.label", label, "code", e.code().code(), "reason", e.getMessage())));
            throw e;
        }
    }

    private AuditRecord importChain(Pkcs11Token token, String label, List<X509Certificate> chain, List<String> operators) {
        if (chain.isEmpty()) {
            throw new GridAuthException(CaError.CA_CERTIFICATE_MISMATCH, "(none)", label, "the file holds no certificate");
        }
        X509Certificate certificate = chain.get(0);
        String subject = GridDn.of(certificate.getSubjectX500Principal()).toOpenSsl();
        List<X509Certificate> current = token.chain(label);
        if (current.isEmpty()) {
            throw new GridAuthException(CaError.TOKEN_KEY_MISSING, token.config().slot(), label);
        }
        if (!current.get(0).getPublicKey().equals(certificate.getPublicKey())) {
            throw new GridAuthException(CaError.CA_CERTIFICATE_MISMATCH, subject, label, "it certifies another public key");
        }
        boolean[] usage = certificate.getKeyUsage();
        if (certificate.getBasicConstraints() < 0 || usage == null || !usage[5] || !usage[6]) {
            throw new GridAuthException(CaError.CA_CERTIFICATE_MISMATCH, subject, label, "it is not a CA certificate with keyCertSign and cRLSign");
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            try {
                chain.get(i).verify(chain.get(i + 1).getPublicKey(), Pem.BC);
            } catch (GeneralSecurityException e) {
                throw new GridAuthException(CaError.CA_CERTIFICATE_MISMATCH, e, subject, label,
                        "certificate " + (i + 1) + " of the file is not signed by the one after it");
            }
        }
        token.replaceChain(label, chain);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("key.label", label);
        details.put("certificate.serial", certificate.getSerialNumber().toString(16));
        details.put("certificate.issuer", GridDn.of(certificate.getIssuerX500Principal()).toOpenSsl());
        details.put("certificate.sha256", IgtfInfo.fingerprint(certificate, "SHA-256"));
        details.put("chain.length", Integer.toString(chain.size()));
        return audit.append(new AuditEvent("CA_CERTIFICATE_IMPORTED", String.join(", ", operators), subject, details));
    }
}
