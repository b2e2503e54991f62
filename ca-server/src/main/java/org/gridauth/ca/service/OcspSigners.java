package org.gridauth.ca.service;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.token.CaKey;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.profile.IssuanceRequest;
import org.gridauth.gsi.trust.IgtfInfo;

/**
 * Issues the delegated OCSP responder certificate (RFC 6960 4.2.2.2: id-kp-OCSPSigning, id-pkix-ocsp-nocheck)
 * with a fresh software key, recorded and audited like every other certificate the CA signs.
 */
public final class OcspSigners {

    private OcspSigners() {
    }

    public static Credential issue(CaKey caKey, CertificateMaker maker, JdbcCertificateStore store, GridDn subject) {
        KeyPair key = KeyPairs.rsa(2048, new SecureRandom());
        for (int attempt = 0; ; attempt++) {
            BigInteger serial = maker.randomSerial();
            try {
                store.reserve(serial, "ocsp-signer", subject.toOpenSsl(), null);
            } catch (JdbcCertificateStore.SerialInUse e) {
                if (attempt < 4) {
                    continue;
                }
                throw e;
            }
            X509Certificate certificate = maker.issue(IssuanceRequest.of(CertificateProfiles.ocspSigner(), subject, key.getPublic(), serial),
                    caKey.certificate(), caKey.signer());
            store.complete(certificate, new AuditEvent("ISSUE", "ca", subject.toOpenSsl(), Map.of("serial", JdbcCertificateStore.hex(serial),
                    "profile", "ocsp-signer", "sha256", IgtfInfo.fingerprint(certificate, "SHA-256"))));
            return new Credential(key.getPrivate(), List.of(certificate));
        }
    }
}
