package org.gridauth.myproxy.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference server's passphrase_policy_program call-out: the new passphrase on standard input; as arguments
 * the user name, the client's DN, the credential name, the retriever policy and the renewer policy (empty strings
 * where absent, so positions never shift); exit status 0 accepts, anything else rejects with the program's
 * standard output as the reason. The program runs without a shell, so nothing in a request is ever interpreted.
 */
final class PassphraseProgram {

    private static final long TIMEOUT_SECONDS = 10;
    private static final int MAX_REASON = 1024;

    private final Path program;

    PassphraseProgram(Path program) {
        this.program = program;
    }

    /** Null when accepted, otherwise the reason the program gave (or why it could not decide). */
    String check(String passphrase, String username, String dn, String credentialName, String retrievers, String renewers) {
        ProcessBuilder builder = new ProcessBuilder(List.of(program.toString(), username, dn, nullToEmpty(credentialName),
                nullToEmpty(retrievers), nullToEmpty(renewers)));
        builder.redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        try {
            Process process = builder.start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write((passphrase + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the program may exit without reading; its status decides
            }
            byte[] output;
            try (InputStream stdout = process.getInputStream()) {
                output = stdout.readNBytes(MAX_REASON);
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "the passphrase policy program did not answer within " + TIMEOUT_SECONDS + " seconds";
            }
            if (process.exitValue() == 0) {
                return null;
            }
            String reason = new String(output, StandardCharsets.UTF_8).strip();
            return reason.isEmpty() ? "rejected by the passphrase policy (exit status " + process.exitValue() + ")" : reason;
        } catch (IOException e) {
            return "the passphrase policy program could not be run";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking the passphrase policy";
        }
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
