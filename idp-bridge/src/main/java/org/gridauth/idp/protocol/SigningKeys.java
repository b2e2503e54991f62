package org.gridauth.idp.protocol;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.opensaml.security.x509.BasicX509Credential;

/**
 * The IdP's SAML signing credential: a PEM certificate and unencrypted PEM key, as Shibboleth keeps
 * {@code idp-signing.crt}/{@code idp-signing.key}. For the embedded default a self-signed pair is generated once.
 * Metadata signing keys need no CA: SPs trust the certificate because it is in the IdP's metadata.
 */
public final class SigningKeys {

    private SigningKeys() {
    }

    /** Loads the pair, checking that the key matches the certificate and is RSA of at least 2048 bits. */
    public static BasicX509Credential load(Path certificateFile, Path keyFile) {
        List<X509Certificate> certificates;
        PrivateKey key;
        try {
            certificates = CredentialFiles.readCertificates(certificateFile);
            key = CredentialFiles.readPrivateKey(keyFile, null);
        } catch (GridAuthException e) {
            throw new GridAuthException(IdpError.BAD_CREDENTIAL, e, certificateFile, e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw new GridAuthException(IdpError.BAD_CREDENTIAL, certificateFile, "no certificate in the file");
        }
        X509Certificate certificate = certificates.get(0);
        if (!(certificate.getPublicKey() instanceof RSAPublicKey rsa) || rsa.getModulus().bitLength() < 2048) {
            throw new GridAuthException(IdpError.BAD_CREDENTIAL, certificateFile, "the key must be RSA of 2048 bits or more");
        }
        if (!CredentialFiles.keyMatches(key, certificate.getPublicKey())) {
            throw new GridAuthException(IdpError.BAD_CREDENTIAL, keyFile, "the key does not belong to the certificate");
        }
        BasicX509Credential credential = new BasicX509Credential(certificate, key);
        credential.setEntityCertificateChain(certificates);
        return credential;
    }

    /** Loads the pair, first generating a self-signed 3072-bit one valid for ten years if neither file exists. */
    public static BasicX509Credential loadOrGenerate(Path certificateFile, Path keyFile, String hostName, Clock clock) {
        if (!Files.exists(certificateFile) && !Files.exists(keyFile)) {
            generate(certificateFile, keyFile, hostName, clock);
        }
        return load(certificateFile, keyFile);
    }

    public static void generate(Path certificateFile, Path keyFile, String hostName, Clock clock) {
        generate(certificateFile, keyFile, hostName, clock, 3072);
    }

    /** A self-signed pair of the given RSA size (2048 or more), valid for ten years. */
    public static void generate(Path certificateFile, Path keyFile, String hostName, Clock clock, int bits) {
        if (bits < 2048) {
            throw new IllegalArgumentException("RSA keys of fewer than 2048 bits are not accepted");
        }
        SecureRandom random = new SecureRandom();
        KeyPair pair = KeyPairs.rsa(bits, random);
        Instant now = clock.instant();
        X500Name subject = new X500Name("CN=" + hostName.replaceAll("[,+=\"\\\\<>;]", ""));
        try {
            var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(128, random).abs(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(3650))), subject,
                    pair.getPublic());
            var signer = new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate());
            X509Certificate certificate = new JcaX509CertificateConverter().setProvider(Pem.BC).getCertificate(builder.build(signer));
            if (certificateFile.getParent() != null) {
                Files.createDirectories(certificateFile.getParent());
            }
            if (keyFile.getParent() != null) {
                Files.createDirectories(keyFile.getParent());
            }
            AtomicFiles.write(keyFile, Pem.encode(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_READ_WRITE);
            AtomicFiles.write(certificateFile, Pem.encode(certificate).getBytes(StandardCharsets.US_ASCII), AtomicFiles.WORLD_READABLE);
        } catch (OperatorCreationException | java.security.cert.CertificateException | IOException e) {
            throw new GridAuthException(IdpError.BAD_CREDENTIAL, e, certificateFile, "cannot generate: " + e.getClass().getSimpleName());
        }
    }
}
