package org.gridauth.certmanager.service;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Keys under the researcher's passphrase: PKCS#8 with PBES2 (PBKDF2-HMAC-SHA256, 100,000 iterations, AES-256-CBC),
 * the format {@code openssl pkcs8} reads, so a downloaded or retrieved key works everywhere. A wrong passphrase
 * costs the same key derivation as a right one and is told apart only afterwards, by a failed decryption or a key
 * that does not match the certificate; the caller learns nothing from timing but "wrong".
 */
public final class KeyVault {

    public String seal(PrivateKey key, char[] passphrase) {
        return CredentialFiles.encryptedKeyPem(key, passphrase);
    }

    /** The clear key, or GA-CM-003 naming only the account. */
    public PrivateKey open(String encryptedPem, char[] passphrase, X509Certificate certificate, String account) {
        PrivateKey key;
        try {
            key = CredentialFiles.decryptPrivateKey(encryptedPem.getBytes(StandardCharsets.US_ASCII), passphrase, "stored credential");
        } catch (GridAuthException | IllegalStateException | IllegalArgumentException e) {
            throw new GridAuthException(CertManagerError.WRONG_PASSPHRASE, account);
        }
        if (!CredentialFiles.keyMatches(key, certificate.getPublicKey())) {
            throw new GridAuthException(CertManagerError.WRONG_PASSPHRASE, account);
        }
        return key;
    }
}
