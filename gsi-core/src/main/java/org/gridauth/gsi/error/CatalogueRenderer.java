package org.gridauth.gsi.error;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Renders error catalogues as AsciiDoc troubleshooting tables. The docs build runs {@link #main(String[])} with an
 * output directory and gets one {@code troubleshooting-<module>.adoc} per catalogue on the class path for the English
 * manual, and the same files under {@code ja/} for the Japanese manual, both from the same catalogues so that neither
 * book can miss an error (R-OP-1).
 */
public final class CatalogueRenderer {

    /** Every catalogue registered through {@link ErrorCatalogue.Provider} on the class path, by module name. */
    public static List<ErrorCatalogue> discover(ClassLoader loader) {
        List<ErrorCatalogue> found = new ArrayList<>();
        for (ErrorCatalogue.Provider provider : ServiceLoader.load(ErrorCatalogue.Provider.class, loader)) {
            found.add(provider.catalogue());
        }
        found.sort(Comparator.comparing(ErrorCatalogue::module));
        return found;
    }

    /** One AsciiDoc section with a four-column table: code, English, Japanese, what to do. */
    public String render(ErrorCatalogue catalogue) {
        StringBuilder out = new StringBuilder();
        out.append("[[troubleshooting-").append(catalogue.module()).append("]]\n");
        out.append("=== ").append(catalogue.module()).append(" (").append(catalogue.codePrefix()).append("-nnn)\n\n");
        out.append("[cols=\"3,5,5,6\",options=\"header\"]\n|===\n");
        out.append("|Code |Message |メッセージ |What to do / 対処\n");
        for (ErrorCode code : catalogue.entries()) {
            out.append("\n|[[").append(code.code()).append("]]`").append(code.code()).append("`\n");
            out.append("|").append(cell(code.english())).append('\n');
            out.append("|").append(cell(code.japanese())).append('\n');
            out.append("|").append(cell(code.actionEnglish())).append(" +\n").append(cell(code.actionJapanese())).append('\n');
        }
        out.append("|===\n");
        return out.toString();
    }

    /**
     * The Japanese manual's table: code, meaning (the Japanese message) and what to do (the Japanese action). The
     * anchors are the codes themselves, as in the English table, so a code links the same way in both books.
     */
    public String renderJapanese(ErrorCatalogue catalogue) {
        StringBuilder out = new StringBuilder();
        out.append("[[troubleshooting-").append(catalogue.module()).append("]]\n");
        out.append("=== ").append(catalogue.module()).append(" (").append(catalogue.codePrefix()).append("-nnn)\n\n");
        out.append("[cols=\"3,8,9\",options=\"header\"]\n|===\n");
        out.append("|コード |意味 |対処\n");
        for (ErrorCode code : catalogue.entries()) {
            out.append("\n|[[").append(code.code()).append("]]`").append(code.code()).append("`\n");
            out.append("|").append(cell(code.japanese())).append('\n');
            out.append("|").append(cell(code.actionJapanese())).append('\n');
        }
        out.append("|===\n");
        return out.toString();
    }

    /** Placeholders are shown as {@code <0>}, {@code <1>}; table separators are escaped. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replaceAll("\\{(\\d+)[^}]*}", "<$1>").replace("''", "'");
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: CatalogueRenderer <output-directory>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        CatalogueRenderer renderer = new CatalogueRenderer();
        List<ErrorCatalogue> catalogues = discover(CatalogueRenderer.class.getClassLoader());
        Path japaneseDir = Files.createDirectories(dir.resolve("ja"));
        StringBuilder index = new StringBuilder();
        for (ErrorCatalogue catalogue : catalogues) {
            String file = "troubleshooting-" + catalogue.module() + ".adoc";
            Files.writeString(dir.resolve(file), renderer.render(catalogue), StandardCharsets.UTF_8);
            Files.writeString(japaneseDir.resolve(file), renderer.renderJapanese(catalogue), StandardCharsets.UTF_8);
            index.append("include::").append(file).append("[]\n\n");
        }
        Files.writeString(dir.resolve("troubleshooting-all.adoc"), index.toString(), StandardCharsets.UTF_8);
        Files.writeString(japaneseDir.resolve("troubleshooting-all.adoc"), index.toString(), StandardCharsets.UTF_8);
        System.out.println("rendered " + catalogues.size() + " error catalogue(s) into " + dir);
    }
}
