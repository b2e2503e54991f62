package org.gridauth.idp.service;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit records: one line per sign-on, logout or account decision on the logger {@code gridauth.idp.audit}, as
 * key=value pairs, and, once {@link #writeTo} names a file, the same record as one JSON object per line
 * ({@code {"time":"...","event":"login-ok","user":"taro",...}}) that tools can read without parsing log text.
 * Values are user names, entity IDs, codes and addresses, never passwords.
 */
public final class Audit {

    private static final Logger LOG = LoggerFactory.getLogger("gridauth.idp.audit");
    private static final java.util.List<Sink> SINKS = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Audit() {
    }

    /** The JSON-lines file records are appended to; closing it stops the appending. */
    public static final class Sink implements AutoCloseable {
        private final Path file;
        private final BufferedWriter writer;

        private Sink(Path file) throws IOException {
            this.file = file;
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            if (!Files.exists(file)) {
                // User names and client addresses: readable by the IdP's user only.
                Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            }
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }

        synchronized void write(String line) {
            try {
                writer.write(line);
                writer.write('\n');
                writer.flush();
            } catch (IOException e) {
                LOG.error("cannot append to the audit file {}: {}", file, e.getMessage());
            }
        }

        @Override
        public synchronized void close() throws IOException {
            SINKS.remove(this);
            writer.close();
        }
    }

    /**
     * From now on records also go to {@code file} (appended, created if missing), until the returned sink is closed.
     * A process has one (the IdP's, or the account command's); where several are open at once, as with several IdP
     * application contexts in one test JVM, each receives every record.
     */
    public static Sink writeTo(Path file) throws IOException {
        Sink sink = new Sink(file);
        SINKS.add(sink);
        return sink;
    }

    public static void record(String event, Object... keyValues) {
        StringBuilder line = new StringBuilder("event=").append(event);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            line.append(' ').append(keyValues[i]).append('=').append(clean(keyValues[i + 1]));
        }
        LOG.info(line.toString());
        if (!SINKS.isEmpty()) {
            StringBuilder json = new StringBuilder("{\"time\":\"").append(Instant.now()).append("\",\"event\":");
            json(event, json);
            for (int i = 0; i + 1 < keyValues.length; i += 2) {
                json.append(',');
                json(String.valueOf(keyValues[i]), json);
                json.append(':');
                value(keyValues[i + 1], json);
            }
            String record = json.append('}').toString();
            SINKS.forEach(sink -> sink.write(record));
        }
    }

    private static void value(Object value, StringBuilder json) {
        if (value == null) {
            json.append("null");
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            json.append(value);
        } else if (value instanceof java.util.Collection<?> list) {
            json.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    json.append(',');
                }
                first = false;
                json(String.valueOf(item), json);
            }
            json.append(']');
        } else {
            json(String.valueOf(value), json);
        }
    }

    private static void json(String text, StringBuilder json) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    private static String clean(Object value) {
        String text = String.valueOf(value);
        // No forged log lines: control characters from request fields become spaces, and values are quoted.
        return '"' + text.replaceAll("[\\p{Cntrl}]", " ").replace("\"", "'") + '"';
    }
}
