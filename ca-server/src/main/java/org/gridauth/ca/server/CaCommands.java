package org.gridauth.ca.server;

import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.gridauth.ca.CaError;
import org.gridauth.ca.audit.AuditVerification;
import org.gridauth.ca.audit.Checkpoint;
import org.gridauth.ca.ceremony.CeremonyRecord;
import org.gridauth.ca.ceremony.CeremonyRequest;
import org.gridauth.ca.ceremony.KeyCeremony;
import org.gridauth.ca.policy.IssueOrder;
import org.gridauth.ca.policy.RevocationReason;
import org.gridauth.ca.service.IssuedCertificate;
import org.gridauth.ca.service.CrlService;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.token.Pkcs11Token;
import org.gridauth.ca.token.TokenIdentity;
import org.gridauth.ca.token.TokenInventory;
import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;

/**
 * The CA operator's commands ({@code gridauth ca <command> <ca.conf> [--option value ...]}): ceremony, issue,
 * revoke, crl, checkpoint, audit-verify, serve. PINs and passphrases come from the files the configuration names,
 * never from the command line. Exit codes: 0 done, 1 refused or failed (the GA-CA message says why), 2 usage.
 */
public final class CaCommands {

    private final PrintStream out;
    private final Clock clock;

    public CaCommands(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    public int run(String... args) {
        if (args.length < 2 || args[1].startsWith("--")) {
            return usage();
        }
        String command = args[0];
        Map<String, String> options = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                out.println("gridauth ca: unexpected argument " + args[i]);
                return usage();
            }
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            options.put(args[i].substring(2), flag ? "true" : args[++i]);
        }
        try {
            CaRuntime runtime = new CaRuntime(CaConfig.load(Path.of(args[1])), clock);
            return switch (command) {
                case "ceremony" -> ceremony(runtime, options);
                case "import-certificate" -> importCertificate(runtime, options);
                case "issue" -> issue(runtime, options);
                case "revoke" -> revoke(runtime, options);
                case "crl" -> crl(runtime, options);
                case "checkpoint" -> checkpoint(runtime);
                case "audit-verify" -> auditVerify(runtime, options);
                case "audit-archive" -> auditArchive(runtime, options);
                case "serve" -> serve(runtime);
                default -> usage();
            };
        } catch (GridAuthException e) {
            out.println("gridauth ca: " + e.getMessage());
            out.println("  " + e.localizedMessage(Locale.JAPANESE));
            out.println("  What to do: " + e.action(Locale.ENGLISH));
            return 1;
        } catch (MissingOption e) {
            out.println("gridauth ca " + command + ": --" + e.getMessage() + " is required");
            return 2;
        } catch (NumberFormatException e) {
            out.println("gridauth ca " + command + ": a number was expected (" + e.getMessage() + ")");
            return 2;
        }
    }

    private int ceremony(CaRuntime runtime, Map<String, String> options) {
        Pkcs11Token token = runtime.openToken();
        TokenIdentity identity = new TokenInventory().describe(runtime.config().pkcs11());
        boolean csr = options.containsKey("csr");
        CeremonyRecord record = new KeyCeremony(clock, new CertificateMaker(clock), runtime.audit()).run(token, identity,
                new CeremonyRequest(Arrays.stream(required(options, "operators").split(",")).map(String::strip).toList(),
                        GridDn.parse(required(options, "subject")), runtime.config().keyLabel(),
                        Integer.parseInt(options.getOrDefault("bits", "2048")), !csr, CertificateProfiles.ca()));
        Path certificate = Path.of(options.getOrDefault("out", "ca.pem"));
        AtomicFiles.write(certificate, Pem.encode(record.certificate()).getBytes(java.nio.charset.StandardCharsets.US_ASCII), AtomicFiles.WORLD_READABLE);
        out.println("Key ceremony done; audit record " + record.auditSequence());
        out.println("  token:        " + identity.label() + " (serial " + identity.serial() + ", slot " + identity.slot() + ")");
        out.println("  key:          " + record.keyLabel() + ", key identifier " + record.keyId());
        out.println("  certificate:  " + certificate + (csr ? " (placeholder until the external root's certificate is imported)" : ""));
        out.println("  SHA-256:      " + record.certificateSha256());
        out.println("  SHA-1:        " + record.certificateSha1());
        out.println("  key SHA-256:  " + record.publicKeySha256());
        if (csr) {
            Path request = Path.of(options.get("csr"));
            AtomicFiles.write(request, ("-----BEGIN CERTIFICATE REQUEST-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                    .encodeToString(record.csrDer()) + "\n-----END CERTIFICATE REQUEST-----\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    AtomicFiles.WORLD_READABLE);
            out.println("  request:      " + request);
        }
        return 0;
    }

    private int importCertificate(CaRuntime runtime, Map<String, String> options) {
        List<java.security.cert.X509Certificate> chain = org.gridauth.gsi.credential.CredentialFiles.readCertificates(
                Path.of(required(options, "certificate")));
        var record = new org.gridauth.ca.ceremony.CertificateImport(runtime.audit()).run(runtime.openToken(), runtime.config().keyLabel(), chain,
                Arrays.stream(required(options, "operators").split(",")).map(String::strip).toList());
        out.println("CA certificate imported for key " + runtime.config().keyLabel() + " (" + chain.size() + " certificate(s)); audit record "
                + record.sequence());
        return 0;
    }

    private int issue(CaRuntime runtime, Map<String, String> options) throws MissingOption {
        byte[] csr;
        try {
            csr = Files.readAllBytes(Path.of(required(options, "csr")));
        } catch (java.io.IOException e) {
            throw new GridAuthException(CaError.CSR_MALFORMED, e, "cannot read " + options.get("csr"));
        }
        String days = options.get("days");
        String replaces = options.get("replaces");
        IssuedCertificate issued = runtime.issuance().issue(new IssueOrder("operator " + System.getProperty("user.name"),
                required(options, "profile"), csr, options.get("hpci-id"), days == null ? null : Integer.valueOf(days),
                replaces == null ? null : new BigInteger(replaces.replace(":", ""), 16)));
        if (replaces != null && runtime.config().crl().onRevocation()) {
            runtime.crlService().issueNow("operator " + System.getProperty("user.name"), "renewal superseded serial " + replaces);
        }
        String pem = Pem.encode(issued.certificate());
        if (options.containsKey("out")) {
            AtomicFiles.write(Path.of(options.get("out")), pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII), AtomicFiles.WORLD_READABLE);
        } else {
            out.print(pem);
        }
        out.println("issued serial " + JdbcCertificateStore.hex(issued.certificate().getSerialNumber()) + " (audit record "
                + issued.auditSequence() + ")");
        return 0;
    }

    private int revoke(CaRuntime runtime, Map<String, String> options) throws MissingOption {
        BigInteger serial = new BigInteger(required(options, "serial").replace(":", ""), 16);
        RevocationReason reason = RevocationReason.parse(required(options, "reason"));
        runtime.revocation().revoke("operator " + System.getProperty("user.name"), serial, reason, options.get("note"));
        out.println("revoked serial " + JdbcCertificateStore.hex(serial) + " (" + reason.rfcName() + ")");
        return 0;
    }

    private int crl(CaRuntime runtime, Map<String, String> options) {
        var service = runtime.crlService();
        CrlService.PublishedCrl crl = options.containsKey("if-due") ? service.ensureFresh()
                : service.issueNow("operator " + System.getProperty("user.name"), "requested on the command line");
        out.println("CRL " + crl.number() + " (" + crl.revokedCount() + " revoked) published in " + runtime.config().publishDir()
                + ", next update " + crl.nextUpdate());
        return 0;
    }

    private int checkpoint(CaRuntime runtime) {
        Checkpoint checkpoint = runtime.audit().checkpoint(runtime.key());
        out.println("audit checkpoint signed: record " + checkpoint.sequence() + " hash " + checkpoint.hash() + " at " + checkpoint.time());
        return 0;
    }

    private int auditArchive(CaRuntime runtime, Map<String, String> options) {
        long days = Long.parseLong(required(options, "older-than-days"));
        Path file = Path.of(required(options, "out"));
        int archived = runtime.audit().archive(clock.instant().minus(java.time.Duration.ofDays(days)), runtime.key(), file);
        out.println(archived == 0 ? "no audit record is older than " + days + " days; nothing archived"
                : archived + " audit records moved to " + file + " (keep it for the retention period; verify it with audit-verify --archive)");
        return 0;
    }

    private int auditVerify(CaRuntime runtime, Map<String, String> options) {
        AuditVerification result = options.containsKey("archive")
                ? org.gridauth.ca.store.AuditArchive.verify(Path.of(options.get("archive")), runtime.key().certificate())
                : runtime.audit().verify(runtime.key().certificate());
        if (result.intact()) {
            out.println("audit trail intact: " + result.records() + " records, last hash " + result.lastHash());
            return 0;
        }
        GridAuthException broken = new GridAuthException(CaError.AUDIT_CHAIN_BROKEN, result.firstBroken(), result.problem());
        out.println("gridauth ca: " + broken.getMessage());
        out.println("  What to do: " + broken.action(Locale.ENGLISH));
        return 1;
    }

    private int serve(CaRuntime runtime) {
        try (CaDaemon daemon = CaDaemon.start(runtime)) {
            out.println("CA running: RA link on " + daemon.raPort() + ", repository on http " + daemon.httpPort() + " and https "
                    + daemon.httpsPort() + "; Ctrl-C to stop.");
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "ca-shutdown"));
            daemon.awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.equals("true")) {
            throw new MissingOption(name);
        }
        return value;
    }

    private int usage() {
        for (String line : List.of(
                "usage: gridauth ca <command> <ca.conf> [options]",
                "  ceremony     --operators \"Name One, Name Two\" --subject <CA DN> [--bits 2048] [--out ca.pem] [--csr ca.csr]",
                "  import-certificate --certificate <CA cert, then its root> --operators \"Name One\"   (after a --csr ceremony)",
                "  issue        --profile client|host|service --csr <file> [--hpci-id <id>] [--days <n>] [--replaces <serial>] [--out <file>]",
                "  revoke       --serial <hex> --reason keyCompromise|affiliationChanged|superseded|cessationOfOperation|privilegeWithdrawn [--note <text>]",
                "  crl          [--if-due]      make and publish a CRL now (or only if one is due)",
                "  checkpoint                   sign the audit trail's head with the CA key",
                "  audit-verify [--archive <file>]  check the audit chain and signed checkpoints (or an archive file)",
                "  audit-archive --older-than-days <n> --out <file>  move old audit records to a signed archive file",
                "  serve                        run the RA link, repository and OCSP until Ctrl-C")) {
            out.println(line);
        }
        return 2;
    }

    /** A required option is missing. */
    private static final class MissingOption extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingOption(String name) {
            super(name, null, false, false);
        }
    }
}
