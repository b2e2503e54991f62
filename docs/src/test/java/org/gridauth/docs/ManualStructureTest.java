package org.gridauth.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Keeps the English and the Japanese manual in step (R-OP-1): the Japanese book ({@code ja/index.adoc}) has the
 * same chapters in the same order as the English one ({@code index.adoc}), one file per chapter with the English
 * file's name, and each translated chapter has the English chapter's anchors and top-level sections, so cross
 * references and the tables of contents match.
 *
 * <p>A chapter whose translation is pending is included in the Japanese book from the English file
 * ({@code include::../<chapter>.adoc[]}) and must be listed, with the reason, in
 * {@code docs/src/docs/pending-translation.txt}; nothing else may be missing or stale silently.
 */
class ManualStructureTest {

    private static final Pattern INCLUDE = Pattern.compile("^include::([^\\[{]+\\.adoc)\\[\\]\\s*$", Pattern.MULTILINE);
    private static final Pattern ANCHOR = Pattern.compile("^(?:\\[\\[([A-Za-z0-9_:.-]+)(?:,[^\\]]*)?\\]\\]|\\[#([A-Za-z0-9_:.-]+)[^\\]]*\\])\\s*$", Pattern.MULTILINE);
    private static final Pattern SECTION = Pattern.compile("^(={2,3}) \\S.*$", Pattern.MULTILINE);

    private final Path english = Path.of(System.getProperty("docs.sources", "src/docs/asciidoc"));
    private final Path japanese = english.resolve("ja");
    private final Path pendingList = english.getParent().resolve("pending-translation.txt");

    @Test
    @DisplayName("R-OP-1: the Japanese book has the English book's chapters, in the same order and under the same file names")
    void sameChaptersInSameOrder() throws IOException {
        List<String> englishChapters = includes(english.resolve("index.adoc"));
        List<String> japaneseChapters = new ArrayList<>();
        for (String include : includes(japanese.resolve("index.adoc"))) {
            japaneseChapters.add(include.startsWith("../") ? include.substring(3) : include);
        }
        assertThat(japaneseChapters)
                .as("ja/index.adoc must include the chapters of index.adoc in the same order: translate a new chapter "
                        + "into ja/<chapter>.adoc, or include it as ../<chapter>.adoc and list it in pending-translation.txt")
                .containsExactlyElementsOf(englishChapters);
    }

    @Test
    @DisplayName("R-OP-1: a chapter the Japanese book takes from the English one is listed as pending translation, and nothing else is")
    void pendingChaptersAreDocumented() throws IOException {
        Set<String> fromEnglish = new TreeSet<>();
        List<String> files = new ArrayList<>(includes(japanese.resolve("index.adoc")));
        for (int i = 0; i < files.size(); i++) {
            String include = files.get(i);
            if (!include.startsWith("../") && Files.exists(japanese.resolve(include))) {
                files.addAll(includes(japanese.resolve(include)));
            }
        }
        for (String include : files) {
            if (include.startsWith("../")) {
                fromEnglish.add(include.substring(3));
            } else {
                assertThat(japanese.resolve(include)).as("ja/index.adoc includes %s", include).exists();
            }
        }
        assertThat(pending())
                .as("pending-translation.txt must list exactly the chapters ja/index.adoc takes from the English book")
                .isEqualTo(fromEnglish);
    }

    @Test
    @DisplayName("R-OP-1: every translated chapter has the English chapter's anchors, includes and top-level sections")
    void translatedChaptersMatchTheirEnglishOriginal() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String include : includes(japanese.resolve("index.adoc"))) {
            if (!include.startsWith("../")) {
                compare(include, problems);
            }
        }
        assertThat(problems)
                .as("a translated chapter differs in structure from its English original; update the translation in "
                        + "ja/ (or include the English chapter and list it in pending-translation.txt)")
                .isEmpty();
    }

    /** Compares one chapter file and, recursively, the files it includes (e.g. cert-manager-registries.adoc). */
    private void compare(String file, List<String> problems) throws IOException {
        String en = read(english.resolve(file));
        String ja = read(japanese.resolve(file));
        check(problems, file, "anchors", anchors(en), anchors(ja));
        List<String> jaIncludes = new ArrayList<>();
        for (String sub : includes(ja)) {
            jaIncludes.add(sub.startsWith("../") ? sub.substring(3) : sub);
        }
        check(problems, file, "includes", includes(en), jaIncludes);
        check(problems, file, "chapter and section (==, ===) count", sections(en), sections(ja));
        for (String sub : includes(ja)) {
            if (!sub.startsWith("../")) {
                compare(sub, problems);
            } else if (!pending().contains(sub.substring(3))) {
                problems.add(file + " takes " + sub + " from the English book but pending-translation.txt does not list it");
            }
        }
    }

    private static void check(List<String> problems, String file, String what, Object en, Object ja) {
        if (!en.equals(ja)) {
            problems.add(file + ": " + what + " differ: English " + en + ", Japanese " + ja);
        }
    }

    private Set<String> pending() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(pendingList, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                names.add(trimmed.split("\\s+", 2)[0]);
            }
        }
        return names;
    }

    private static List<String> includes(Path file) throws IOException {
        return includes(read(file));
    }

    /** Chapter includes only: the generated tables are included through the {generated} attribute. */
    private static List<String> includes(String text) {
        List<String> found = new ArrayList<>();
        Matcher m = INCLUDE.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static Set<String> anchors(String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = ANCHOR.matcher(withoutListings(text));
        while (m.find()) {
            found.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return found;
    }

    private static List<Integer> sections(String text) {
        int chapters = 0;
        int sections = 0;
        Matcher m = SECTION.matcher(withoutListings(text));
        while (m.find()) {
            if (m.group(1).length() == 2) {
                chapters++;
            } else {
                sections++;
            }
        }
        return List.of(chapters, sections);
    }

    /** Listings may hold lines that look like headings or anchors (shell comments, YAML); they are not structure. */
    private static String withoutListings(String text) {
        StringBuilder out = new StringBuilder();
        String fence = null;
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (fence == null && (trimmed.equals("----") || trimmed.equals("....") || trimmed.equals("////"))) {
                fence = trimmed;
            } else if (fence != null && trimmed.equals(fence)) {
                fence = null;
            } else if (fence == null) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
