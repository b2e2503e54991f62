package org.gridauth.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.gridauth.gsi.error.CatalogueRenderer;
import org.gridauth.gsi.error.ErrorCatalogue;
import org.gridauth.gsi.error.ErrorCode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * R-OP-1: every user- or operator-facing error has a stable code in its module's catalogue, and the troubleshooting
 * chapters of both manuals are generated from those catalogues, so no error can be missing from either book. These
 * checks read what the build actually produced (the generated tables and the HTML books), not the generator's intent.
 */
class TroubleshootingCoverageTest {

    private static final String PROVIDER_FILE = "src/main/resources/META-INF/services/org.gridauth.gsi.error.ErrorCatalogue$Provider";

    private final Path generated = Path.of(System.getProperty("docs.generated.errors", "target/generated-errors"));
    private final Path books = Path.of(System.getProperty("docs.books", "target/generated-docs"));
    private final List<ErrorCatalogue> catalogues = CatalogueRenderer.discover(getClass().getClassLoader());

    /**
     * A module's catalogue reaches the manuals only through docs/pom.xml's dependencies (ServiceLoader finds what is on
     * the class path). Checked against the sources of the reactor rather than the class path, because a module that is
     * not a dependency is simply absent from the class path and would go unnoticed.
     */
    @Test
    @DisplayName("R-OP-1: every module of the build that has an error catalogue is a dependency of the manuals")
    void everyModuleWithACatalogueIsADependency() throws IOException {
        Path docs = Path.of(System.getProperty("docs.sources", "src/docs/asciidoc")).toAbsolutePath()
                .getParent().getParent().getParent();
        String pom = Files.readString(docs.resolve("pom.xml"), StandardCharsets.UTF_8);
        Set<String> withCatalogue = new TreeSet<>();
        Set<String> notDependedOn = new TreeSet<>();
        try (Stream<Path> modules = Files.list(docs.getParent())) {
            for (Path module : modules.filter(m -> Files.exists(m.resolve(PROVIDER_FILE))).toList()) {
                String name = module.getFileName().toString();
                withCatalogue.add(name);
                if (!pom.contains("<artifactId>" + name + "</artifactId>")) {
                    notDependedOn.add(name);
                }
            }
        }
        assertThat(withCatalogue).as("reactor modules with an error catalogue").contains("gsi-core");
        assertThat(notDependedOn).as("modules with an error catalogue that docs/pom.xml does not depend on: add them "
                + "so their errors reach the troubleshooting chapters").isEmpty();
        assertThat(catalogues).as("catalogues found on the class path").isNotEmpty();
    }

    @Test
    @DisplayName("R-OP-1: every code of every catalogue is in the English and the Japanese generated troubleshooting tables")
    void everyCodeInBothGeneratedChapters() throws IOException {
        String english = readAll(generated, "troubleshooting-");
        String japanese = readAll(generated.resolve("ja"), "troubleshooting-");
        List<String> missing = new ArrayList<>();
        for (ErrorCatalogue catalogue : catalogues) {
            for (ErrorCode code : catalogue.entries()) {
                if (!english.contains("|[[" + code.code() + "]]`" + code.code() + "`")) {
                    missing.add("English table: " + code.code());
                }
                if (!japanese.contains("|[[" + code.code() + "]]`" + code.code() + "`")) {
                    missing.add("Japanese table: " + code.code());
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    @DisplayName("R-OP-1: both HTML books carry every code with its meaning, in their own language")
    void everyCodeInBothBooks() throws IOException {
        String english = Files.readString(books.resolve("en/gridauth-manual-en.html"), StandardCharsets.UTF_8);
        String japanese = Files.readString(books.resolve("ja/gridauth-manual-ja.html"), StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        int codes = 0;
        for (ErrorCatalogue catalogue : catalogues) {
            for (ErrorCode code : catalogue.entries()) {
                codes++;
                if (!english.contains("id=\"" + code.code() + "\"")) {
                    missing.add("English book: " + code.code());
                }
                if (!japanese.contains("id=\"" + code.code() + "\"")) {
                    missing.add("Japanese book: " + code.code());
                }
            }
        }
        assertThat(codes).isGreaterThan(100);
        assertThat(missing).isEmpty();
        assertThat(japanese).contains("<th class=\"tableblock halign-left valign-top\">意味</th>")
                .contains("<th class=\"tableblock halign-left valign-top\">対処</th>");
    }

    private static String readAll(Path dir, String prefix) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList()) {
                all.append(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }
}
