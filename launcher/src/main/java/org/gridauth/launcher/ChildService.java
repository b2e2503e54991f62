package org.gridauth.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service that runs in its own JVM (the Spring Boot web services: the IdP bridge and the RA portal each bring
 * their own application configuration, which would collide in one class path). Output goes to a log file under
 * the home; readiness is an HTTP GET answering 200; closing asks the JVM to stop (SIGTERM, Spring's graceful
 * shutdown) and forces it after a grace period.
 */
final class ChildService implements AutoCloseable {

    private static final Duration GRACE = Duration.ofSeconds(20);

    private final String name;
    private final Process process;
    private final Path log;

    private ChildService(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ChildService start(String name, Path jar, List<String> jvmOptions, List<String> arguments, Map<String, String> environment, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(log.getParent());
            Process process = builder.start();
            process.getOutputStream().close();
            return new ChildService(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Waits until {@code url} answers 200; fails naming the log when the process ends or the time is up. */
    void awaitReady(URI url, Duration timeout) {
        awaitReady(url, timeout, HttpClient.newBuilder());
    }

    /** As {@link #awaitReady(URI, Duration)} with a client set up by the caller (the TLS trust of an HTTPS service). */
    void awaitReady(URI url, Duration timeout, HttpClient.Builder builder) {
        HttpClient client = builder.connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " stopped during start-up (exit " + process.exitValue() + "); see " + log + tail());
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            sleep(250);
        }
        throw new IllegalStateException(name + " did not answer " + url + " within " + timeout.toSeconds() + " s; see " + log);
    }

    /** The log's last lines, so that a failed start says why without a second look. */
    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, java.nio.charset.StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : ":\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(GRACE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
