package org.gridauth.certmanager.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * A registry in JSON: {@code {"format": "gridauth-registry/1", "<researchers|projects|resources>": [ ... ]}} with
 * one object per researcher, project (members in {@code "members": [{"hpci_id", "group", "role"}]}) or resource
 * (admitted projects in {@code "projects": ["id", ...]}). Member names are the CSV column names; values are
 * strings (or null for none). Records are flattened to the CSV shape, each keeping the line its object starts on.
 */
public final class JsonRegistrySource implements RegistrySource {

    public static final String FORMAT = "gridauth-registry/1";
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final Path file;

    public JsonRegistrySource(Path file) {
        this.file = file;
    }

    @Override
    public String description() {
        return file.toString();
    }

    @Override
    public ParsedSource read(RegistryKind kind) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new GridAuthException(CertManagerError.REGISTRY_SOURCE_UNREADABLE, e, file, "no such file");
        } catch (IOException e) {
            throw new GridAuthException(CertManagerError.REGISTRY_SOURCE_UNREADABLE, e, file, e.getMessage());
        }
        return parse(bytes, kind, description());
    }

    /** Parses a JSON document of one registry. */
    public static ParsedSource parse(byte[] json, RegistryKind kind, String source) {
        List<ImportProblem> problems = new ArrayList<>();
        List<RawRecord> records = new ArrayList<>();
        Object document;
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() == null) {
                return new ParsedSource(source, List.of(), List.of(new ImportProblem(source, 0, "the file is empty")));
            }
            document = value(parser);
            if (parser.nextToken() != null) {
                problems.add(new ImportProblem(source, parser.currentTokenLocation().getLineNr(), "text after the end of the JSON document"));
            }
        } catch (JsonParseException e) {
            String message = e.getOriginalMessage();
            int newline = message.indexOf('\n');
            problems.add(new ImportProblem(source, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "not valid JSON: " + (newline > 0 ? message.substring(0, newline) : message)));
            return new ParsedSource(source, List.of(), problems);
        } catch (IOException e) {
            throw new GridAuthException(CertManagerError.REGISTRY_SOURCE_UNREADABLE, e, source, e.getMessage());
        }
        if (!(document instanceof JsonObject root)) {
            problems.add(new ImportProblem(source, 1, "the document must be an object with a \"" + kind.jsonKey() + "\" array"));
            return new ParsedSource(source, List.of(), problems);
        }
        for (String key : root.fields().keySet()) {
            if (!key.equals("format") && !key.equals(kind.jsonKey())) {
                problems.add(new ImportProblem(source, root.line(), "unknown member \"" + CsvRegistrySource.printable(key) + "\" (expected \"format\" and \""
                        + kind.jsonKey() + "\")"));
            }
        }
        Object format = root.fields().get("format");
        if (format != null && !FORMAT.equals(format)) {
            problems.add(new ImportProblem(source, root.line(), "\"format\" must be \"" + FORMAT + "\""));
        }
        if (!(root.fields().get(kind.jsonKey()) instanceof List<?> items)) {
            problems.add(new ImportProblem(source, root.line(), "the \"" + kind.jsonKey() + "\" array is missing"));
            return new ParsedSource(source, records, problems);
        }
        for (Object item : items) {
            if (!(item instanceof JsonObject object)) {
                problems.add(new ImportProblem(source, root.line(), "every element of \"" + kind.jsonKey() + "\" must be an object"));
                continue;
            }
            flatten(kind, object, source, records, problems);
        }
        return new ParsedSource(source, records, problems);
    }

    private static void flatten(RegistryKind kind, JsonObject object, String source, List<RawRecord> records, List<ImportProblem> problems) {
        String nestedKey = switch (kind) {
            case PROJECTS -> "members";
            case RESOURCES -> "projects";
            case RESEARCHERS -> null;
        };
        Map<String, String> base = new LinkedHashMap<>();
        for (Map.Entry<String, Object> field : object.fields().entrySet()) {
            String name = field.getKey();
            if (name.equals(nestedKey)) {
                continue;
            }
            boolean nestedColumn = kind == RegistryKind.PROJECTS && List.of("hpci_id", "group", "role").contains(name)
                    || kind == RegistryKind.RESOURCES && name.equals("project_id");
            if (!kind.knows(name) || nestedColumn) {
                problems.add(new ImportProblem(source, object.line(), "unknown member \"" + CsvRegistrySource.printable(name) + "\""));
                continue;
            }
            text(field.getValue(), name, object.line(), source, problems).ifPresent(v -> base.put(name, v));
        }
        if (nestedKey == null) {
            records.add(new RawRecord(object.line(), base));
            return;
        }
        Object nested = object.fields().get(nestedKey);
        if (nested == null) {
            records.add(new RawRecord(object.line(), base));
            return;
        }
        if (!(nested instanceof List<?> list)) {
            problems.add(new ImportProblem(source, object.line(), "\"" + nestedKey + "\" must be an array"));
            return;
        }
        if (list.isEmpty()) {
            records.add(new RawRecord(object.line(), base));
        }
        for (Object element : list) {
            Map<String, String> fields = new LinkedHashMap<>(base);
            if (kind == RegistryKind.RESOURCES) {
                text(element, "projects", object.line(), source, problems).ifPresent(v -> fields.put("project_id", v));
                records.add(new RawRecord(object.line(), fields));
            } else if (element instanceof JsonObject member) {
                for (Map.Entry<String, Object> field : member.fields().entrySet()) {
                    if (!List.of("hpci_id", "group", "role").contains(field.getKey())) {
                        problems.add(new ImportProblem(source, member.line(), "unknown member \"" + CsvRegistrySource.printable(field.getKey()) + "\" in a project member"));
                        continue;
                    }
                    text(field.getValue(), field.getKey(), member.line(), source, problems).ifPresent(v -> fields.put(field.getKey(), v));
                }
                records.add(new RawRecord(member.line(), fields));
            } else {
                problems.add(new ImportProblem(source, object.line(), "every element of \"members\" must be an object"));
            }
        }
    }

    private static java.util.Optional<String> text(Object value, String name, int line, String source, List<ImportProblem> problems) {
        if (value == null) {
            return java.util.Optional.empty();
        }
        if (value instanceof String s) {
            return java.util.Optional.of(s);
        }
        problems.add(new ImportProblem(source, line, "\"" + name + "\" must be a string"));
        return java.util.Optional.empty();
    }

    /** An object with the line it starts on; members in document order. */
    private record JsonObject(int line, Map<String, Object> fields) {
    }

    /** A number, boolean: kept only to say that it should have been a string. */
    private record NotText(String text) {
    }

    private static Object value(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT: {
                int line = parser.currentTokenLocation().getLineNr();
                Map<String, Object> fields = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    fields.put(name, value(parser));
                }
                return new JsonObject(line, fields);
            }
            case START_ARRAY: {
                List<Object> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(value(parser));
                }
                return items;
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NULL:
                return null;
            default:
                return new NotText(parser.getText());
        }
    }
}
