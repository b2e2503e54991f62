package org.gridauth.ra.security;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;

/**
 * The SP's SAML signing key: the configured files, or a self-signed RSA-3072 key generated once under the portal's
 * home (SAML metadata keys need no CA; the federation trusts the key in the metadata).
 */
public final class SpCredential {

    private SpCredential() {
    }

    public static Credential load(Path certificate, Path key, Path home, String entityId, Clock clock) {
        if (certificate != null || key != null) {
            if (certificate == null || key == null || !Files.isReadable(certificate) || !Files.isReadable(key)) {
                throw new GridAuthException(RaError.CONFIGURATION_INVALID, "gridauth.ra.sign-on.saml.sp-certificate and sp-key must both name readable PEM files");
            }
            return CredentialFiles.readUserCredential(certificate, key, null);
        }
        Path cert = home.resolve("sp-signing.crt");
        Path pem = home.resolve("sp-signing.key");
        if (Files.isReadable(cert) && Files.isReadable(pem)) {
            return CredentialFiles.readUserCredential(cert, pem, null);
        }
        try {
            Files.createDirectories(home);
            KeyPair pair = KeyPairs.rsa(3072, new SecureRandom());
            Instant now = clock.instant();
            X500Name name = new X500Name("CN=" + entityId.replaceAll("[^A-Za-z0-9.:/-]", "_") + " SAML signing");
            X509Certificate self = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()).abs(), Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(3650))),
                    name, pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
            Credential credential = new Credential(pair.getPrivate(), List.of(self));
            CredentialFiles.writeHostCredential(cert, pem, credential);
            return credential;
        } catch (Exception e) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, e, "the SAML signing key cannot be created under " + home + ": " + e.getMessage());
        }
    }
}
