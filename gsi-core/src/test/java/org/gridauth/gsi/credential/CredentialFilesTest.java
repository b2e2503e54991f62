package org.gridauth.gsi.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;
import org.gridauth.gsi.testing.GridTools;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialFilesTest {

    private static final String PASSPHRASE = "kagi no aikotoba 2026";

    private final TestPki pki = TestPki.shared();

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-RA-3: usercert.pem (644) and userkey.pem (400, encrypted PKCS#8 AES-256) round-trip; the key file holds no clear key")
    void userCredentialRoundTrip() throws Exception {
        Path cert = dir.resolve("usercert.pem");
        Path key = dir.resolve("userkey.pem");
        CredentialFiles.writeUserCredential(cert, key, pki.user(), PASSPHRASE.toCharArray());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("r--------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cert))).isEqualTo("rw-r--r--");
        String keyText = Files.readString(key);
        assertThat(keyText).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----").doesNotContain("BEGIN RSA PRIVATE KEY");

        Credential read = CredentialFiles.readUserCredential(cert, key, PASSPHRASE.toCharArray());
        assertThat(read.privateKey().getEncoded()).isEqualTo(pki.user().privateKey().getEncoded());
        assertThat(read.chain()).isEqualTo(pki.user().chain());
        assertThat(read.toString()).doesNotContain(PASSPHRASE).contains("hidden");
    }

    @Test
    @DisplayName("R-RS-3: hostkey.pem is unencrypted and mode 400, hostcert.pem 644; they read back as one credential")
    void hostCredential() throws Exception {
        Path cert = dir.resolve("hostcert.pem");
        Path key = dir.resolve("hostkey.pem");
        CredentialFiles.writeHostCredential(cert, key, pki.host());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("r--------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cert))).isEqualTo("rw-r--r--");
        Credential read = CredentialFiles.readUserCredential(cert, key, null);
        assertThat(read.certificate()).isEqualTo(pki.host().certificate());
    }

    @Test
    @DisplayName("OpenSSL reads the encrypted userkey.pem we write (same passphrase), and nothing without it")
    void opensslReadsOurKey() {
        GridTools.require("openssl", "openssl");
        Path key = dir.resolve("userkey.pem");
        CredentialFiles.writeUserCredential(dir.resolve("usercert.pem"), key, pki.user(), PASSPHRASE.toCharArray());
        GridTools.Result ok = GridTools.run(List.of("openssl", "pkey", "-in", key.toString(), "-passin", "env:PASS", "-noout"),
                Map.of("PASS", PASSPHRASE), null, java.time.Duration.ofSeconds(30));
        assertThat(ok.exitCode()).as(ok.all()).isZero();
        GridTools.Result bad = GridTools.run(List.of("openssl", "pkey", "-in", key.toString(), "-passin", "pass:wrong", "-noout"));
        assertThat(bad.exitCode()).isNotZero();
    }

    @Test
    @DisplayName("R-RA-3: a stored key is PBES2 (PBKDF2-HMAC-SHA256, 100,000 rounds, fresh 32-byte salt, AES-256-CBC, fresh IV) and Bouncy Castle's PKCS#8 decryptor opens it")
    void encryptedKeyStructure() throws Exception {
        String first = CredentialFiles.encryptedKeyPem(pki.user().privateKey(), PASSPHRASE.toCharArray());
        String second = CredentialFiles.encryptedKeyPem(pki.user().privateKey(), PASSPHRASE.toCharArray());
        var infos = new java.util.ArrayList<org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo>();
        for (String pem : List.of(first, second)) {
            try (var parser = new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(pem))) {
                infos.add((org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo) parser.readObject());
            }
        }
        var algorithm = infos.get(0).getEncryptionAlgorithm();
        assertThat(algorithm.getAlgorithm()).isEqualTo(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_PBES2);
        var pbes2 = org.bouncycastle.asn1.pkcs.PBES2Parameters.getInstance(algorithm.getParameters());
        var kdf = org.bouncycastle.asn1.pkcs.PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
        assertThat(pbes2.getKeyDerivationFunc().getAlgorithm()).isEqualTo(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_PBKDF2);
        assertThat(kdf.getIterationCount().intValue()).isEqualTo(100_000);
        assertThat(kdf.getSalt()).hasSize(32);
        assertThat(kdf.getPrf().getAlgorithm()).isEqualTo(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_hmacWithSHA256);
        assertThat(pbes2.getEncryptionScheme().getAlgorithm()).isEqualTo(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_aes256_CBC);
        var otherPbes2 = org.bouncycastle.asn1.pkcs.PBES2Parameters.getInstance(infos.get(1).getEncryptionAlgorithm().getParameters());
        assertThat(org.bouncycastle.asn1.pkcs.PBKDF2Params.getInstance(otherPbes2.getKeyDerivationFunc().getParameters()).getSalt())
                .as("salt of a second sealing").isNotEqualTo(kdf.getSalt());
        assertThat(otherPbes2.getEncryptionScheme().getParameters()).as("IV of a second sealing").isNotEqualTo(pbes2.getEncryptionScheme().getParameters());

        var decryptor = new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder()
                .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).build(PASSPHRASE.toCharArray());
        var clear = infos.get(0).decryptPrivateKeyInfo(decryptor);
        assertThat(clear.getEncoded()).isEqualTo(pki.user().privateKey().getEncoded());
        assertThat(first).doesNotContain(PASSPHRASE);
    }

    @Test
    @DisplayName("Legacy OpenSSL-encrypted keys (Proc-Type: 4,ENCRYPTED, from openssl -traditional) are read")
    void readsLegacyEncryptedKey() throws Exception {
        for (String cipher : List.of("-aes256", "-des3")) {
            Path legacy = readsOpensslKey("legacy" + cipher, List.of("openssl", "rsa", "-traditional", cipher));
            assertThat(Files.readString(legacy)).contains("Proc-Type: 4,ENCRYPTED");
        }
    }

    @Test
    @DisplayName("PKCS#8 keys from openssl pkcs8 are read under every PBES2 choice: the JDK path (HMAC-SHA256, AES-256) and the general one (SHA-1, AES-128, DES3)")
    void readsOpensslPkcs8Keys() throws Exception {
        for (List<String> scheme : List.of(List.of("-v2", "aes-256-cbc"), List.of("-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA1"),
                List.of("-v2", "aes-128-cbc"), List.of("-v2", "des3"), List.of("-v2", "aes-256-cbc", "-iter", "1"))) {
            List<String> command = new java.util.ArrayList<>(List.of("openssl", "pkcs8", "-topk8"));
            command.addAll(scheme);
            Path encrypted = readsOpensslKey("pkcs8" + String.join("", scheme), command);
            assertThat(Files.readString(encrypted)).contains("BEGIN ENCRYPTED PRIVATE KEY");
        }
    }

    /** Has {@code openssl} encrypt the test key with {@code command}; we read it with the passphrase and refuse a wrong one. */
    private Path readsOpensslKey(String name, List<String> command) throws Exception {
        GridTools.require("openssl", "openssl");
        Path clear = dir.resolve("clear.pem");
        Files.writeString(clear, Pem.encode(pki.user().privateKey()));
        Path encrypted = dir.resolve(name + ".pem");
        List<String> full = new java.util.ArrayList<>(command);
        full.addAll(List.of("-in", clear.toString(), "-passout", "env:PASS", "-out", encrypted.toString()));
        GridTools.Result made = GridTools.run(full, Map.of("PASS", PASSPHRASE), null, java.time.Duration.ofSeconds(30));
        assertThat(made.exitCode()).as(made.all()).isZero();
        assertThat(CredentialFiles.readPrivateKey(encrypted, PASSPHRASE.toCharArray()).getEncoded()).as(name)
                .isEqualTo(pki.user().privateKey().getEncoded());
        assertThatThrownBy(() -> CredentialFiles.readPrivateKey(encrypted, "not it".toCharArray())).as(name)
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.WRONG_PASSPHRASE))
                .hasMessageNotContaining("not it");
        return encrypted;
    }

    @Test
    @DisplayName("A key claiming more than 10,000,000 rounds (PBES2, PKCS#12 PBE or PBES1) is refused before any derivation, so a stored key cannot hold a server thread for minutes")
    void refusesExcessiveRounds() throws Exception {
        org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo sealed = encryptedInfo(CredentialFiles.encryptedKeyPem(pki.user().privateKey(), PASSPHRASE.toCharArray()));
        var pbes2 = org.bouncycastle.asn1.pkcs.PBES2Parameters.getInstance(sealed.getEncryptionAlgorithm().getParameters());
        var kdf = org.bouncycastle.asn1.pkcs.PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
        byte[] salt = new byte[8];
        List<org.bouncycastle.asn1.x509.AlgorithmIdentifier> greedy = List.of(
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_PBES2,
                        new org.bouncycastle.asn1.pkcs.PBES2Parameters(new org.bouncycastle.asn1.pkcs.KeyDerivationFunc(
                                org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_PBKDF2,
                                new org.bouncycastle.asn1.pkcs.PBKDF2Params(kdf.getSalt(), Integer.MAX_VALUE, kdf.getPrf())), pbes2.getEncryptionScheme())),
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC,
                        new org.bouncycastle.asn1.pkcs.PKCS12PBEParams(salt, Integer.MAX_VALUE)),
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pbeWithSHA1AndDES_CBC,
                        new org.bouncycastle.asn1.pkcs.PBEParameter(salt, Integer.MAX_VALUE)));
        for (var scheme : greedy) {
            byte[] pem = encryptedPem(scheme, sealed.getEncryptedData());
            long start = System.nanoTime();
            assertThatThrownBy(() -> CredentialFiles.decryptPrivateKey(pem, PASSPHRASE.toCharArray(), "stored credential of taro"))
                    .as(scheme.getAlgorithm().getId())
                    .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.UNSUPPORTED_KEY_ENCRYPTION))
                    .hasMessageContaining("stored credential of taro").hasMessageContaining("more than 10,000,000 rounds")
                    .hasMessageNotContaining(PASSPHRASE);
            // Not a performance figure: 2^31 rounds would take many minutes, so a derivation cannot hide under this bound.
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(30));
        }
    }

    @Test
    @DisplayName("An EC key comes back from its sealing and still matches its public key (Bouncy Castle names it ECDSA, the JDK EC)")
    void ecKeyRoundTrip() throws Exception {
        var generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        var pair = generator.generateKeyPair();
        var opened = CredentialFiles.decryptPrivateKey(CredentialFiles.encryptedKeyPem(pair.getPrivate(), PASSPHRASE.toCharArray())
                .getBytes(StandardCharsets.US_ASCII), PASSPHRASE.toCharArray(), "ec key");
        assertThat(CredentialFiles.keyMatches(opened, pair.getPublic())).isTrue();
    }

    @Test
    @DisplayName("PBES2 parameters AES-256-CBC cannot use (an 8-byte IV) are called malformed, not a wrong passphrase")
    void malformedPbes2Parameters() throws Exception {
        org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo sealed = encryptedInfo(CredentialFiles.encryptedKeyPem(pki.user().privateKey(), PASSPHRASE.toCharArray()));
        var pbes2 = org.bouncycastle.asn1.pkcs.PBES2Parameters.getInstance(sealed.getEncryptionAlgorithm().getParameters());
        var shortIv = new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_PBES2,
                new org.bouncycastle.asn1.pkcs.PBES2Parameters(pbes2.getKeyDerivationFunc(), new org.bouncycastle.asn1.pkcs.EncryptionScheme(
                        org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_aes256_CBC, new org.bouncycastle.asn1.DEROctetString(new byte[8]))));
        byte[] pem = encryptedPem(shortIv, sealed.getEncryptedData());
        assertThatThrownBy(() -> CredentialFiles.decryptPrivateKey(pem, PASSPHRASE.toCharArray(), "stored credential of taro"))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.DER_MALFORMED))
                .hasMessageContaining("stored credential of taro");
    }

    private static org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo encryptedInfo(String pem) throws Exception {
        try (var parser = new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(pem))) {
            return (org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo) parser.readObject();
        }
    }

    private static byte[] encryptedPem(org.bouncycastle.asn1.x509.AlgorithmIdentifier scheme, byte[] encryptedData) throws Exception {
        var info = new org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo(scheme, encryptedData);
        return Pem.encode(new org.bouncycastle.util.io.pem.PemObject("ENCRYPTED PRIVATE KEY", info.getEncoded())).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @DisplayName("A wrong passphrase is named as such and never echoed; an encrypted key without passphrase says so")
    void wrongPassphrase() {
        Path cert = dir.resolve("usercert.pem");
        Path key = dir.resolve("userkey.pem");
        CredentialFiles.writeUserCredential(cert, key, pki.user(), PASSPHRASE.toCharArray());
        assertThatThrownBy(() -> CredentialFiles.readUserCredential(cert, key, "guess123".toCharArray()))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.WRONG_PASSPHRASE))
                .hasMessageContaining(key.toString()).hasMessageNotContaining("guess123");
        assertThatThrownBy(() -> CredentialFiles.readPrivateKey(key, null))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.PASSPHRASE_REQUIRED));
    }

    @Test
    @DisplayName("Truncated, garbage and empty files give errors naming the file and the problem")
    void badFiles() throws Exception {
        Path cert = dir.resolve("usercert.pem");
        CredentialFiles.writeUserCredential(cert, dir.resolve("userkey.pem"), pki.user(), PASSPHRASE.toCharArray());
        String full = Files.readString(cert);

        Path truncated = dir.resolve("truncated.pem");
        Files.writeString(truncated, full.substring(0, full.length() / 2));
        assertError(() -> CredentialFiles.readCertificates(truncated), GsiError.PEM_MALFORMED, "truncated.pem");

        Path garbage = dir.resolve("garbage.pem");
        Files.write(garbage, new byte[] {0x30, (byte) 0x82, 0x7f, 1, 2, 3});
        assertError(() -> CredentialFiles.readCertificates(garbage), GsiError.PEM_MALFORMED, "garbage.pem");

        Path badBase64 = dir.resolve("bad64.pem");
        Files.writeString(badBase64, "-----BEGIN CERTIFICATE-----\nMIIB!!!notbase64\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> CredentialFiles.readCertificates(badBase64)).isInstanceOf(GridAuthException.class)
                .hasMessageContaining("bad64.pem");

        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "");
        assertError(() -> CredentialFiles.readCertificates(empty), GsiError.NO_CERTIFICATE, "empty.pem");
        assertError(() -> CredentialFiles.readPrivateKey(cert, null), GsiError.NO_PRIVATE_KEY, "usercert.pem");
        assertError(() -> CredentialFiles.readCertificates(dir.resolve("missing.pem")), GsiError.FILE_UNREADABLE, "no such file");
    }

    @Test
    @DisplayName("A key that does not belong to the certificate is refused")
    void mismatchedKey() {
        Path cert = dir.resolve("usercert.pem");
        Path key = dir.resolve("userkey.pem");
        CredentialFiles.writeUserCredential(cert, dir.resolve("ignored.pem"), pki.user(), PASSPHRASE.toCharArray());
        CredentialFiles.writeUserCredential(dir.resolve("hostcert.pem"), key, pki.host(), PASSPHRASE.toCharArray());
        assertError(() -> CredentialFiles.readUserCredential(cert, key, PASSPHRASE.toCharArray()),
                GsiError.KEY_CERTIFICATE_MISMATCH, "Taro Yamada");
    }

    @Test
    @DisplayName("R-RA-6: PKCS#12 export is read by openssl pkcs12, and an openssl-made PKCS#12 is imported")
    void pkcs12BothWays() throws Exception {
        GridTools.require("openssl", "openssl");
        Path p12 = dir.resolve("user.p12");
        CredentialFiles.writePkcs12(p12, pki.user(), PASSPHRASE.toCharArray(), "Taro Yamada");
        GridTools.Result info = GridTools.run(List.of("openssl", "pkcs12", "-in", p12.toString(), "-passin", "env:PASS",
                "-nokeys", "-clcerts"), Map.of("PASS", PASSPHRASE), null, java.time.Duration.ofSeconds(30));
        assertThat(info.exitCode()).as(info.all()).isZero();
        assertThat(info.stdout()).contains("subject=C = JP, O = GridAuth Test, OU = Users, CN = Taro Yamada 000001");

        Path keyFile = dir.resolve("k.pem");
        Path certFile = dir.resolve("c.pem");
        Files.writeString(keyFile, Pem.encode(pki.user().privateKey()));
        Files.writeString(certFile, Pem.encode(pki.user().certificate()));
        Path theirs = dir.resolve("theirs.p12");
        GridTools.Result export = GridTools.run(List.of("openssl", "pkcs12", "-export", "-inkey", keyFile.toString(),
                "-in", certFile.toString(), "-passout", "env:PASS", "-out", theirs.toString()), Map.of("PASS", PASSPHRASE), null,
                java.time.Duration.ofSeconds(30));
        assertThat(export.exitCode()).as(export.all()).isZero();
        Credential imported = CredentialFiles.readPkcs12(theirs, PASSPHRASE.toCharArray());
        assertThat(imported.certificate()).isEqualTo(pki.user().certificate());
        assertError(() -> CredentialFiles.readPkcs12(theirs, "wrong".toCharArray()), GsiError.WRONG_PASSPHRASE, "theirs.p12");
        Files.write(dir.resolve("junk.p12"), "not pkcs12".getBytes(StandardCharsets.US_ASCII));
        assertError(() -> CredentialFiles.readPkcs12(dir.resolve("junk.p12"), "x".toCharArray()), GsiError.PKCS12_MALFORMED, "junk.p12");
    }

    @Test
    @DisplayName("A failed write leaves the previous file intact and no temporary file behind")
    void atomicWrite() throws Exception {
        Path file = dir.resolve("x509up_u1000");
        CredentialFiles.writeProxy(file, pki.user());
        byte[] before = Files.readAllBytes(file);
        Path blocked = dir.resolve("not-a-dir");
        Files.writeString(blocked, "a file where a directory should be");
        assertThatThrownBy(() -> CredentialFiles.writeProxy(blocked.resolve("x509up"), pki.user()))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.FILE_WRITE_FAILED));
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    private static void assertError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, GsiError code, String text) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(text);
    }
}
