package org.gridauth.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridauth.ca.ceremony.CeremonyRecord;
import org.gridauth.ca.ceremony.CeremonyRequest;
import org.gridauth.ca.ceremony.KeyCeremony;
import org.gridauth.ca.policy.IssueOrder;
import org.gridauth.ca.server.CaConfig;
import org.gridauth.ca.server.CaRuntime;
import org.gridauth.ca.token.Pkcs11Config;
import org.gridauth.ca.token.TokenInventory;
import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.profile.IssuanceRequest;
import org.gridauth.gsi.profile.Signers;
import org.gridauth.gsi.trust.IgtfInfo;
import org.gridauth.gsi.trust.TrustDirectory;

/**
 * The grid CA of the embedded defaults, under {@code <home>/ca}: on first start a SoftHSM2 token is initialised
 * and the key ceremony (R-CA-2) makes the CA key inside it; where SoftHSM2 is not installed (or the process was
 * not started with {@code SOFTHSM2_CONF} naming the home's token configuration, which the {@code gridauth}
 * script does) the key is a software PKCS#12 file and the CA logs GA-CA-006. Later starts reuse what is there.
 */
final class GridCa {

    static final String SUBJECT = LoopbackPki.ORGANISATION + "/CN=GridAuth Demo CA";
    static final String USERS = LoopbackPki.ORGANISATION + "/OU=Users";
    static final Path SOFTHSM2_UTIL = Path.of("/usr/bin/softhsm2-util");
    private static final Pattern SLOT = Pattern.compile("reassigned to slot (\\d+)");

    /** How the CA key is kept. */
    enum KeyStorage { SOFTHSM2, SOFTWARE }

    private final Path dir;
    private final Clock clock;
    private final SuiteSettings settings;
    private final SecureRandom random = new SecureRandom();

    GridCa(Path home, Clock clock, SuiteSettings settings) {
        this.dir = home.resolve("ca");
        this.clock = clock;
        this.settings = settings;
    }

    Path config() {
        return dir.resolve("ca.conf");
    }

    Path certificate() {
        return dir.resolve("cacert.pem");
    }

    Path softHsmConfig() {
        return dir.resolve("softhsm2.conf");
    }

    /** SoftHSM2 reads SOFTHSM2_CONF once per process, so it is usable only when the process was started with ours. */
    KeyStorage availableStorage() {
        String conf = System.getenv("SOFTHSM2_CONF");
        boolean ours = conf != null && Path.of(conf).toAbsolutePath().normalize().equals(softHsmConfig().toAbsolutePath().normalize());
        return ours && Files.isRegularFile(Pkcs11Config.SOFTHSM2) && Files.isExecutable(SOFTHSM2_UTIL) ? KeyStorage.SOFTHSM2 : KeyStorage.SOFTWARE;
    }

    /** True when the CA was created now. */
    boolean ensure(LoopbackPki loopback) {
        if (Files.exists(config())) {
            return false;
        }
        try {
            Files.createDirectories(dir);
            Files.createDirectories(dir.resolve("publish"));
            Files.createDirectories(dir.resolve("ocsp"));
            // The certificate manager issues researchers' certificates, the portal sends host and service CSRs (R-CA-10).
            AtomicFiles.write(dir.resolve("ra-certificates.pem"), (Files.readString(loopback.raCert(), StandardCharsets.US_ASCII)
                    + Files.readString(loopback.portalCert(), StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII), AtomicFiles.WORLD_READABLE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir + ": " + e.getMessage(), e);
        }
        KeyStorage storage = availableStorage();
        String keySettings = storage == KeyStorage.SOFTHSM2 ? softHsmToken() : softwareKey();
        // The configuration gets its final name only when the CA key exists, so an interrupted first start is
        // simply repeated.
        Path pending = dir.resolve("ca.conf.new");
        AtomicFiles.write(pending, configuration(loopback, keySettings).getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
        if (storage == KeyStorage.SOFTHSM2) {
            CaRuntime runtime = new CaRuntime(CaConfig.load(pending), clock);
            CeremonyRecord record = new KeyCeremony(clock, new CertificateMaker(clock), runtime.audit()).run(runtime.openToken(),
                    new TokenInventory().describe(runtime.config().pkcs11()),
                    new CeremonyRequest(List.of("gridauth up (embedded defaults)"), GridDn.fromOpenSsl(SUBJECT), "ca", 2048, true,
                            CertificateProfiles.ca()));
            AtomicFiles.write(certificate(), Pem.encode(record.certificate()).getBytes(StandardCharsets.US_ASCII), AtomicFiles.WORLD_READABLE);
        }
        try {
            Files.move(pending, config(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + pending + ": " + e.getMessage(), e);
        }
        return true;
    }

    /** Installs the CA certificate, its signing policy and its current CRL into each trust directory. */
    void installTrust(CaRuntime runtime, Path... trustDirs) {
        runtime.crlService().ensureFresh();
        // crl_url in the .info file is what 'gridmap crl' (and fetch-crl) fetch from.
        IgtfInfo info = new IgtfInfo("gridauth-demo", runtime.config().crlUrl().resolve("/"), runtime.config().crlUrl(), null, "experimental", "1");
        for (Path trustDir : trustDirs) {
            new TrustDirectory(trustDir).install(runtime.key().certificate(), runtime.namespace(), info);
            copyCrl(runtime, trustDir);
        }
    }

    /** Copies the CA's published {@code <hash>.r0} into the trust directory (what 'gridmap crl' does at a site). */
    static void copyCrl(CaRuntime runtime, Path trustDir) {
        try (var published = Files.newDirectoryStream(runtime.config().publishDir(), "*.r0")) {
            for (Path r0 : published) {
                AtomicFiles.write(trustDir.resolve(r0.getFileName()), Files.readAllBytes(r0), AtomicFiles.WORLD_READABLE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the CA's CRL into " + trustDir + ": " + e.getMessage(), e);
        }
    }

    private String softHsmToken() {
        Path tokens = dir.resolve("softhsm/tokens");
        char[] pin = LoopbackPki.secret(random);
        char[] soPin = LoopbackPki.secret(random);
        try {
            Files.createDirectories(tokens);
            AtomicFiles.write(softHsmConfig(), ("directories.tokendir = " + tokens.toAbsolutePath() + "\nobjectstore.backend = file\n"
                    + "log.level = ERROR\nslots.removable = false\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
            AtomicFiles.write(dir.resolve("pin"), (new String(pin) + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ);
            AtomicFiles.write(dir.resolve("so-pin"), (new String(soPin) + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ);
            // The PINs reach softhsm2-util on its command line, as its interface requires; that process is ours and
            // short-lived, and they are never printed or logged.
            Process process = new ProcessBuilder(SOFTHSM2_UTIL.toString(), "--init-token", "--free", "--label", "gridauth-demo-ca",
                    "--pin", new String(pin), "--so-pin", new String(soPin)).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("softhsm2-util --init-token failed: " + output.strip());
            }
            Matcher slot = SLOT.matcher(output);
            if (!slot.find()) {
                throw new IllegalStateException("softhsm2-util did not say which slot it used: " + output.strip());
            }
            return String.join("\n", "key.pkcs11.library = " + Pkcs11Config.SOFTHSM2, "key.pkcs11.slot = " + slot.group(1),
                    "key.pkcs11.pin-file = pin", "key.label = ca");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot initialise the SoftHSM2 token: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while initialising the SoftHSM2 token", e);
        } finally {
            CredentialFiles.wipe(pin);
            CredentialFiles.wipe(soPin);
        }
    }

    private String softwareKey() {
        CertificateMaker maker = new CertificateMaker(clock, random);
        KeyPair key = KeyPairs.rsa(2048, random);
        Credential ca = new Credential(key.getPrivate(), List.of(maker.selfSigned(
                IssuanceRequest.of(CertificateProfiles.ca(), GridDn.fromOpenSsl(SUBJECT), key.getPublic(), maker.randomSerial()),
                Signers.software(key.getPrivate(), "SHA256withRSA"))));
        char[] passphrase = LoopbackPki.secret(random);
        try {
            AtomicFiles.write(dir.resolve("ca-key.passphrase"), (new String(passphrase) + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ);
            CredentialFiles.writePkcs12(dir.resolve("ca-key.p12"), ca, passphrase, "ca");
            AtomicFiles.write(certificate(), Pem.encode(ca.certificate()).getBytes(StandardCharsets.US_ASCII), AtomicFiles.WORLD_READABLE);
        } finally {
            CredentialFiles.wipe(passphrase);
        }
        return String.join("\n", "key.pkcs12 = ca-key.p12", "key.pkcs12.passphrase-file = ca-key.passphrase");
    }

    private String configuration(LoopbackPki loopback, String keySettings) {
        String repository = "http://localhost:" + settings.caHttpPort();
        return String.join("\n",
                "# gridauth CA of the embedded defaults (see the CA chapter of the manual for every key)",
                "database.url = jdbc:h2:file:" + dir.resolve("db/ca").toAbsolutePath() + ";WRITE_DELAY=0",
                keySettings,
                "namespace = " + USERS + "/*",
                "crl.url = " + repository + "/crl.der",
                "ocsp.url = " + repository + "/ocsp",
                "ca-issuers.url = " + repository + "/ca.der",
                "publish.dir = publish",
                "ra.listen = 127.0.0.1:" + settings.caRaPort(),
                "ra.certificates = ra-certificates.pem",
                "tls.certificate = " + loopback.hostCert().toAbsolutePath(),
                "tls.key = " + loopback.hostKey().toAbsolutePath(),
                "repository.http = 127.0.0.1:" + settings.caHttpPort(),
                "repository.https = 127.0.0.1:" + settings.caHttpsPort(),
                "ocsp.credential-dir = ocsp",
                "info.alias = gridauth-demo",
                "info.email = ca@localhost",
                "")
                ;
    }
}
