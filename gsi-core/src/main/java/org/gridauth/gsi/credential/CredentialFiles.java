package org.gridauth.gsi.credential;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.openssl.EncryptionException;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

/**
 * Reads and writes the credential files of the grid: proxy files ({@code /tmp/x509up_u<uid>}: certificate,
 * unencrypted key, chain; mode 600), {@code usercert.pem}/{@code userkey.pem} (key encrypted, mode 400; encrypted
 * PKCS#8 and legacy OpenSSL "Proc-Type: 4,ENCRYPTED" keys are both read) and PKCS#12 bundles. Every write is
 * atomic ({@link AtomicFiles}).
 */
public final class CredentialFiles {

    private CredentialFiles() {
    }

    public static List<X509Certificate> readCertificates(Path file) {
        Pem.Content content = Pem.decode(read(file), file.toString());
        if (content.certificates().isEmpty()) {
            throw new GridAuthException(GsiError.NO_CERTIFICATE, file);
        }
        return content.certificates();
    }

    /** Reads a private key; {@code passphrase} may be null for an unencrypted key. */
    public static PrivateKey readPrivateKey(Path file, char[] passphrase) {
        Pem.Content content = Pem.decode(read(file), file.toString());
        if (content.keys().isEmpty()) {
            throw new GridAuthException(GsiError.NO_PRIVATE_KEY, file);
        }
        return toPrivateKey(content.keys().get(0), passphrase, file.toString());
    }

    /**
     * Decrypts the first private key of a PEM text (encrypted PKCS#8 or legacy OpenSSL encryption).
     *
     * @param source names the origin in error messages (a file name, "stored credential of taro")
     */
    public static PrivateKey decryptPrivateKey(byte[] pem, char[] passphrase, String source) {
        Pem.Content content = Pem.decode(pem, source);
        if (content.keys().isEmpty()) {
            throw new GridAuthException(GsiError.NO_PRIVATE_KEY, source);
        }
        return toPrivateKey(content.keys().get(0), passphrase, source);
    }

    /** Whether the first private key of a PEM text is encrypted (so it may be kept on a server). */
    public static boolean isEncryptedKey(byte[] pem, String source) {
        Pem.Content content = Pem.decode(pem, source);
        return !content.keys().isEmpty() && (content.keys().get(0) instanceof PEMEncryptedKeyPair
                || content.keys().get(0) instanceof PKCS8EncryptedPrivateKeyInfo);
    }

    /** A proxy file (or any PEM file with one key and its chain, such as hostcert+hostkey concatenated). */
    public static Credential readProxy(Path file) {
        Pem.Content content = Pem.decode(read(file), file.toString());
        if (content.certificates().isEmpty()) {
            throw new GridAuthException(GsiError.NO_CERTIFICATE, file);
        }
        if (content.keys().isEmpty()) {
            throw new GridAuthException(GsiError.NO_PRIVATE_KEY, file);
        }
        PrivateKey key = toPrivateKey(content.keys().get(0), null, file.toString());
        return matched(key, content.certificates(), file.toString());
    }

    public static Credential readUserCredential(Path certificateFile, Path keyFile, char[] passphrase) {
        List<X509Certificate> chain = readCertificates(certificateFile);
        PrivateKey key = readPrivateKey(keyFile, passphrase);
        return matched(key, chain, keyFile.toString());
    }

    /** Writes a proxy file: certificate, unencrypted key, then the rest of the chain, mode 600. */
    public static void writeProxy(Path file, Credential credential) {
        List<X509Certificate> rest = credential.chain().subList(1, credential.chain().size());
        String pem = Pem.encode(credential.certificate(), credential.privateKey(), rest);
        AtomicFiles.write(file, pem.getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_READ_WRITE);
    }

    /**
     * Writes {@code usercert.pem} (mode 644, the chain) and {@code userkey.pem} (mode 400, PKCS#8 encrypted with
     * PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC, which OpenSSL and Globus read). The key is written first so that
     * a certificate never appears without its key.
     */
    public static void writeUserCredential(Path certificateFile, Path keyFile, Credential credential, char[] passphrase) {
        AtomicFiles.write(keyFile, encryptedKeyPem(credential.privateKey(), passphrase).getBytes(StandardCharsets.US_ASCII),
                AtomicFiles.OWNER_READ);
        AtomicFiles.write(certificateFile, Pem.encode(credential.chain()).getBytes(StandardCharsets.US_ASCII),
                AtomicFiles.WORLD_READABLE);
    }

    /**
     * Writes {@code hostcert.pem} (mode 644) and {@code hostkey.pem} (mode 400, unencrypted: services start
     * unattended, so Globus and gridauth read host keys without a passphrase; the file mode protects it).
     */
    public static void writeHostCredential(Path certificateFile, Path keyFile, Credential credential) {
        AtomicFiles.write(keyFile, Pem.encode(credential.privateKey()).getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_READ);
        AtomicFiles.write(certificateFile, Pem.encode(credential.chain()).getBytes(StandardCharsets.US_ASCII),
                AtomicFiles.WORLD_READABLE);
    }

    /**
     * The key as an "ENCRYPTED PRIVATE KEY" PEM block: PKCS#8 with PBES2 (PBKDF2-HMAC-SHA256, {@value Pbes2Key#ITERATIONS}
     * rounds, 32-byte salt, AES-256-CBC), byte for byte the structure Bouncy Castle's PKCS#8 encryptor writes and
     * {@code openssl pkcs8} reads, derived in the JDK ({@link Pbes2Key}).
     */
    public static String encryptedKeyPem(PrivateKey key, char[] passphrase) {
        if (passphrase == null || passphrase.length == 0) {
            throw new GridAuthException(GsiError.PASSPHRASE_REQUIRED, "the key to be written");
        }
        byte[] clear = key.getEncoded();
        try {
            EncryptedPrivateKeyInfo info = Pbes2Key.seal(PrivateKeyInfo.getInstance(clear), passphrase);
            return Pem.encode(new PemObject("ENCRYPTED PRIVATE KEY", info.getEncoded(ASN1Encoding.DER)));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("AES-256 PKCS#8 encryption is unavailable", e);
        } finally {
            Arrays.fill(clear, (byte) 0);
        }
    }

    public static byte[] toPkcs12(Credential credential, char[] passphrase, String alias) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, credential.privateKey(), passphrase, credential.chain().toArray(Certificate[]::new));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, passphrase);
            return out.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("PKCS#12 encoding failed", e);
        }
    }

    public static void writePkcs12(Path file, Credential credential, char[] passphrase, String alias) {
        AtomicFiles.write(file, toPkcs12(credential, passphrase, alias), AtomicFiles.OWNER_READ_WRITE);
    }

    public static Credential fromPkcs12(byte[] data, char[] passphrase, String source) {
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(data), passphrase);
        } catch (IOException e) {
            if (e.getCause() instanceof javax.crypto.BadPaddingException
                    || e.getCause() instanceof java.security.UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).contains("password")) {
                throw new GridAuthException(GsiError.WRONG_PASSPHRASE, e, source);
            }
            throw new GridAuthException(GsiError.PKCS12_MALFORMED, e, source, Pem.reason(e));
        } catch (GeneralSecurityException e) {
            throw new GridAuthException(GsiError.PKCS12_MALFORMED, e, source, Pem.reason(e));
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    PrivateKey key = (PrivateKey) store.getKey(alias, passphrase);
                    List<X509Certificate> chain = new ArrayList<>();
                    for (Certificate c : store.getCertificateChain(alias)) {
                        chain.add((X509Certificate) c);
                    }
                    return matched(key, chain, source);
                }
            }
        } catch (java.security.UnrecoverableKeyException e) {
            throw new GridAuthException(GsiError.WRONG_PASSPHRASE, e, source);
        } catch (GeneralSecurityException e) {
            throw new GridAuthException(GsiError.PKCS12_MALFORMED, e, source, Pem.reason(e));
        }
        throw new GridAuthException(GsiError.PKCS12_MALFORMED, source, "it holds no private key");
    }

    public static Credential readPkcs12(Path file, char[] passphrase) {
        return fromPkcs12(read(file), passphrase, file.toString());
    }

    /** Whether the key signs what the certificate's public key verifies. */
    public static boolean keyMatches(PrivateKey key, PublicKey publicKey) {
        try {
            String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            byte[] probe = "gridauth key match probe".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Credential matched(PrivateKey key, List<X509Certificate> chain, String source) {
        if (!keyMatches(key, chain.get(0).getPublicKey())) {
            throw new GridAuthException(GsiError.KEY_CERTIFICATE_MISMATCH, source,
                    chain.get(0).getSubjectX500Principal().getName());
        }
        return new Credential(key, chain);
    }

    /**
     * The key as the JDK's own providers take it: Bouncy Castle's converter names EC keys "ECDSA", which SunEC
     * refuses ("Not an EC key"), so those are re-made by the JDK's EC key factory.
     */
    private static PrivateKey toPrivateKey(Object object, char[] passphrase, String source) {
        PrivateKey key = decodedKey(object, passphrase, source);
        if (!"ECDSA".equals(key.getAlgorithm())) {
            return key;
        }
        byte[] encoded = key.getEncoded();
        try {
            return java.security.KeyFactory.getInstance("EC").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new GridAuthException(GsiError.DER_MALFORMED, e, source, "EC private key", Pem.reason(e));
        } finally {
            Arrays.fill(encoded, (byte) 0);
        }
    }

    private static PrivateKey decodedKey(Object object, char[] passphrase, String source) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(Pem.BC);
        try {
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMEncryptedKeyPair encrypted) {
                requirePassphrase(passphrase, source);
                try {
                    return converter.getKeyPair(encrypted.decryptKeyPair(
                            new JcePEMDecryptorProviderBuilder().setProvider(Pem.BC).build(passphrase))).getPrivate();
                } catch (EncryptionException e) {
                    if (String.valueOf(e.getMessage()).startsWith("unknown")) {
                        throw new GridAuthException(GsiError.UNSUPPORTED_KEY_ENCRYPTION, e, source, encrypted.getDekAlgName());
                    }
                    throw new GridAuthException(GsiError.WRONG_PASSPHRASE, e, source);
                } catch (IOException | RuntimeException e) {
                    // A wrong passphrase on a legacy key usually shows up as bad padding or garbage ASN.1.
                    throw new GridAuthException(GsiError.WRONG_PASSPHRASE, e, source);
                }
            }
            if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                requirePassphrase(passphrase, source);
                requireBoundedRounds(encrypted, source);
                Optional<PrivateKeyInfo> fast;
                try {
                    fast = Pbes2Key.open(encrypted, passphrase);
                } catch (GeneralSecurityException e) {
                    throw new GridAuthException(GsiError.WRONG_PASSPHRASE, e, source);
                } catch (IllegalArgumentException | ArithmeticException | ClassCastException e) {
                    throw new GridAuthException(GsiError.DER_MALFORMED, e, source, "key encryption parameters", Pem.reason(e));
                }
                if (fast.isPresent()) {
                    return converter.getPrivateKey(fast.get());
                }
                try {
                    return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(
                            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Pem.BC).build(passphrase)));
                } catch (PKCSException | RuntimeException e) {
                    throw new GridAuthException(GsiError.WRONG_PASSPHRASE, e, source);
                } catch (OperatorCreationException e) {
                    throw new GridAuthException(GsiError.UNSUPPORTED_KEY_ENCRYPTION, e, source,
                            encrypted.getEncryptionAlgorithm().getAlgorithm().getId());
                }
            }
        } catch (org.bouncycastle.openssl.PEMException e) {
            throw new GridAuthException(GsiError.DER_MALFORMED, e, source, "private key", Pem.reason(e));
        }
        throw new GridAuthException(GsiError.NO_PRIVATE_KEY, source);
    }

    /** Before any derivation, whatever the scheme: see {@link KeyDerivationRounds}. */
    private static void requireBoundedRounds(PKCS8EncryptedPrivateKeyInfo encrypted, String source) {
        Optional<BigInteger> rounds;
        try {
            rounds = KeyDerivationRounds.of(encrypted.getEncryptionAlgorithm());
        } catch (RuntimeException e) {
            throw new GridAuthException(GsiError.DER_MALFORMED, e, source, "key encryption parameters", Pem.reason(e));
        }
        if (rounds.isPresent() && KeyDerivationRounds.tooMany(rounds.get())) {
            // Not the count itself: it may be any size of INTEGER.
            throw new GridAuthException(GsiError.UNSUPPORTED_KEY_ENCRYPTION, source,
                    encrypted.getEncryptionAlgorithm().getAlgorithm().getId() + " with more than " + String.format("%,d", KeyDerivationRounds.MAX)
                            + " rounds");
        }
    }

    private static void requirePassphrase(char[] passphrase, String source) {
        if (passphrase == null || passphrase.length == 0) {
            throw new GridAuthException(GsiError.PASSPHRASE_REQUIRED, source);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new GridAuthException(GsiError.FILE_UNREADABLE, e, file, "no such file");
        } catch (IOException e) {
            throw new GridAuthException(GsiError.FILE_UNREADABLE, e, file, e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    /** Overwrites a passphrase in memory once it is no longer needed. */
    public static void wipe(char[] secret) {
        if (secret != null) {
            Arrays.fill(secret, '\0');
        }
    }
}
