package org.gridauth.gsi.crl;

import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

/** Builds X.509 v2 CRLs with a CRL number and authority key identifier, signed through a {@link ContentSigner}. */
public final class CrlMaker {

    public X509CRL make(X509Certificate issuer, ContentSigner signer, BigInteger crlNumber, Instant thisUpdate,
                        Instant nextUpdate, Iterable<RevokedEntry> entries) {
        try {
            X509v2CRLBuilder builder = new X509v2CRLBuilder(GridDn.of(issuer.getSubjectX500Principal()).toX500Name(), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            // Reason 0 (unspecified) leaves the reasonCode extension out, as RFC 5280 5.3.1 recommends.
            for (RevokedEntry entry : entries) {
                builder.addCRLEntry(entry.serial(), Date.from(entry.revoked()), entry.reason());
            }
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.getPublicKey()));
            return new JcaX509CRLConverter().setProvider(Pem.BC).getCRL(builder.build(signer));
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new GridAuthException(GsiError.CERTIFICATE_BUILD_FAILED, e, "CRL of " + GridDn.of(issuer.getSubjectX500Principal()), e.getMessage());
        }
    }
}
