package org.gridauth.certmanager.registry;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * A registry in CSV (RFC 4180): UTF-8 (a byte-order mark is ignored), comma-separated, a header line naming the
 * columns in any order, fields quoted with {@code "} when they hold commas, quotes ({@code ""}) or line breaks.
 * Empty lines and lines starting with {@code #} are skipped. A record's line is the line it starts on.
 */
public final class CsvRegistrySource implements RegistrySource {

    private final Path file;

    public CsvRegistrySource(Path file) {
        this.file = file;
    }

    @Override
    public String description() {
        return file.toString();
    }

    @Override
    public ParsedSource read(RegistryKind kind) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            return new ParsedSource(description(), List.of(), List.of(new ImportProblem(description(), 0, "the file is not UTF-8 text")));
        } catch (IOException e) {
            throw new GridAuthException(CertManagerError.REGISTRY_SOURCE_UNREADABLE, e, file, e.getMessage());
        }
        return parse(text, kind, description());
    }

    /** Parses CSV text of one registry; exposed for sources that hold the text already. */
    public static ParsedSource parse(String text, RegistryKind kind, String source) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<ImportProblem> problems = new ArrayList<>();
        List<RawRecord> records = new ArrayList<>();
        List<String> header = null;
        Lexer lexer = new Lexer(text);
        while (!lexer.atEnd()) {
            int line = lexer.line;
            List<String> fields;
            try {
                fields = lexer.record();
            } catch (IllegalArgumentException e) {
                problems.add(new ImportProblem(source, line, e.getMessage()));
                lexer.skipLine();
                continue;
            }
            if (fields.size() == 1 && fields.get(0).isBlank() || !fields.isEmpty() && fields.get(0).startsWith("#") && !lexer.lastQuoted) {
                continue;
            }
            if (header == null) {
                header = new ArrayList<>();
                Set<String> seen = new HashSet<>();
                for (String name : fields) {
                    String column = name.strip();
                    if (!kind.knows(column)) {
                        problems.add(new ImportProblem(source, line, "unknown column \"" + printable(column) + "\" (the " + kind.label()
                                + " has " + String.join(", ", kind.required()) + (kind.optional().isEmpty() ? "" : " and optionally " + String.join(", ", kind.optional())) + ")"));
                    } else if (!seen.add(column)) {
                        problems.add(new ImportProblem(source, line, "column \"" + column + "\" appears twice"));
                    }
                    header.add(column);
                }
                for (String required : kind.required()) {
                    if (!seen.contains(required)) {
                        problems.add(new ImportProblem(source, line, "required column \"" + required + "\" is missing"));
                    }
                }
                continue;
            }
            if (fields.size() != header.size()) {
                problems.add(new ImportProblem(source, line, "has " + fields.size() + " fields, the header has " + header.size()));
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < fields.size(); i++) {
                values.put(header.get(i), fields.get(i));
            }
            records.add(new RawRecord(line, values));
        }
        if (header == null && problems.isEmpty()) {
            problems.add(new ImportProblem(source, 0, "the file is empty (a header line is required)"));
        }
        return new ParsedSource(source, records, problems);
    }

    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(80).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /** RFC 4180 records over the text, counting lines. */
    private static final class Lexer {
        private final String text;
        private int pos;
        int line = 1;
        boolean lastQuoted;

        Lexer(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        List<String> record() {
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            lastQuoted = false;
            boolean quotedField = false;
            while (true) {
                if (pos >= text.length()) {
                    fields.add(field.toString());
                    return fields;
                }
                char c = text.charAt(pos);
                if (field.isEmpty() && !quotedField && c == '"') {
                    quotedField = true;
                    lastQuoted = true;
                    pos++;
                    while (true) {
                        if (pos >= text.length()) {
                            throw new IllegalArgumentException("a quoted field opened here is never closed");
                        }
                        char q = text.charAt(pos++);
                        if (q == '"') {
                            if (pos < text.length() && text.charAt(pos) == '"') {
                                field.append('"');
                                pos++;
                            } else {
                                break;
                            }
                        } else {
                            if (q == '\n') {
                                line++;
                            }
                            field.append(q);
                        }
                    }
                    if (pos < text.length() && text.charAt(pos) != ',' && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
                        throw new IllegalArgumentException("text after the closing quote of a field (line " + line + ")");
                    }
                    continue;
                }
                pos++;
                if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                    quotedField = false;
                } else if (c == '\r' || c == '\n') {
                    if (c == '\r' && pos < text.length() && text.charAt(pos) == '\n') {
                        pos++;
                    }
                    line++;
                    fields.add(field.toString());
                    return fields;
                } else if (c == '"') {
                    throw new IllegalArgumentException("a quote inside an unquoted field (quote the whole field and double the quote)");
                } else {
                    field.append(c);
                }
            }
        }

        /** After a syntax error: continue with the next line. */
        void skipLine() {
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '\n') {
                    line++;
                    return;
                }
            }
        }
    }
}
