package org.gridauth.gsi.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs the stock grid tools (Debian's globus, myproxy and openssl packages) from tests. A missing tool skips the
 * test on a developer machine but fails it in CI ({@code CI=true}), where scripts/test must have installed it.
 */
public final class GridTools {

    private GridTools() {
    }

    /** The tool's path; skips (locally) or fails (CI) when it is not installed. */
    public static Path require(String tool, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = tool + " is not installed: apt-get install " + debianPackage + " (scripts/test does this as root)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
        return null;
    }

    /** A file a Debian package installs (a header, a library); skips (locally) or fails (CI) when it is missing. */
    public static Path requireFile(Path file, String debianPackage) {
        if (Files.exists(file)) {
            return file;
        }
        String message = file + " is missing: apt-get install " + debianPackage + " (scripts/test does this as root)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
        return null;
    }

    /** The outcome of one run. */
    public record Result(int exitCode, String stdout, String stderr) {
        public String all() {
            return stdout + stderr;
        }
    }

    public static Result run(List<String> command, Map<String, String> environment, String stdin, Duration timeout) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            Path out = Files.createTempFile("gridtool", ".out");
            Path err = Files.createTempFile("gridtool", ".err");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process process = builder.start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + timeout);
            }
            Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Result run(List<String> command) {
        return run(command, Map.of(), null, Duration.ofSeconds(60));
    }
}
