package org.gridauth.certmanager.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;

import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Keys under the researcher's passphrase: PKCS#8 with PBES2 (PBKDF2-HMAC-SHA256, 100,000 iterations, AES-256-CBC),
 * the format {@code openssl pkcs8} reads, so a downloaded or retrieved key works everywhere. A wrong passphrase
 * costs the same key derivation as a right one and is told apart only afterwards, by a failed decryption or a key
 * that does not match the certificate; the caller learns nothing from timing but "wrong".
 *
 * <p>Unlocking the keys sealed here derives with the JDK's PBKDF2 (SunJCE), which runs the 100,000 rounds in about
 * 40% of Bouncy Castle's time; other encodings go through gsi-core's general reader.
 */
public final class KeyVault {

    public String seal(PrivateKey key, char[] passphrase) {
        return CredentialFiles.encryptedKeyPem(key, passphrase);
    }

    /** The clear key, or GA-CM-003 naming only the account. */
    public PrivateKey open(String encryptedPem, char[] passphrase, X509Certificate certificate, String account) {
        PrivateKey key;
        try {
            key = decrypt(encryptedPem, passphrase);
        } catch (GridAuthException | IllegalStateException | GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new GridAuthException(CertManagerError.WRONG_PASSPHRASE, account);
        }
        if (!CredentialFiles.keyMatches(key, certificate.getPublicKey())) {
            throw new GridAuthException(CertManagerError.WRONG_PASSPHRASE, account);
        }
        return key;
    }

    private static PrivateKey decrypt(String encryptedPem, char[] passphrase) throws GeneralSecurityException, IOException {
        Object first = Pem.decode(encryptedPem.getBytes(StandardCharsets.US_ASCII), "stored credential").keys().stream().findFirst().orElse(null);
        if (first instanceof PKCS8EncryptedPrivateKeyInfo info
                && PKCSObjectIdentifiers.id_PBES2.equals(info.getEncryptionAlgorithm().getAlgorithm())) {
            PBES2Parameters pbes2 = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
            KeyDerivationFunc kdf = pbes2.getKeyDerivationFunc();
            EncryptionScheme scheme = pbes2.getEncryptionScheme();
            if (PKCSObjectIdentifiers.id_PBKDF2.equals(kdf.getAlgorithm()) && NISTObjectIdentifiers.id_aes256_CBC.equals(scheme.getAlgorithm())) {
                PBKDF2Params params = PBKDF2Params.getInstance(kdf.getParameters());
                if (PKCSObjectIdentifiers.id_hmacWithSHA256.equals(params.getPrf().getAlgorithm())) {
                    byte[] derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                            .generateSecret(new PBEKeySpec(passphrase, params.getSalt(), params.getIterationCount().intValueExact(), 256)).getEncoded();
                    Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
                    aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(derived, "AES"),
                            new IvParameterSpec(ASN1OctetString.getInstance(scheme.getParameters()).getOctets()));
                    java.util.Arrays.fill(derived, (byte) 0);
                    PrivateKeyInfo clear = PrivateKeyInfo.getInstance(aes.doFinal(info.getEncryptedData()));
                    String algorithm = PKCSObjectIdentifiers.rsaEncryption.equals(clear.getPrivateKeyAlgorithm().getAlgorithm()) ? "RSA" : "EC";
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(clear.getEncoded()));
                }
            }
        }
        return CredentialFiles.decryptPrivateKey(encryptedPem.getBytes(StandardCharsets.US_ASCII), passphrase, "stored credential");
    }
}
