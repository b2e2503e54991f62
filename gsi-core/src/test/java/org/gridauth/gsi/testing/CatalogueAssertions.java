package org.gridauth.gsi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridauth.gsi.error.CatalogueRenderer;
import org.gridauth.gsi.error.ErrorCatalogue;
import org.gridauth.gsi.error.ErrorCode;

/** The checks every module's error catalogue must pass (R-OP-1): the same rules for all, in one place. */
public final class CatalogueAssertions {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+)");

    private CatalogueAssertions() {
    }

    /** Unique well-formed codes, English and Japanese text and action, same placeholders, no stray apostrophe, registered. */
    public static void assertComplete(ErrorCatalogue catalogue) {
        Set<String> codes = new HashSet<>();
        for (ErrorCode error : catalogue.entries()) {
            assertThat(error.code()).matches(Pattern.quote(catalogue.codePrefix()) + "-\\d{3}");
            assertThat(codes.add(error.code())).as("duplicate " + error.code()).isTrue();
            assertThat(error.english()).isNotBlank();
            assertThat(error.actionEnglish()).isNotBlank();
            assertThat(error.japanese()).as(error.code()).matches("(?s).*[\\p{IsHiragana}\\p{IsKatakana}\\p{IsHan}].*");
            assertThat(error.actionJapanese()).as(error.code()).matches("(?s).*[\\p{IsHiragana}\\p{IsKatakana}\\p{IsHan}].*");
            assertThat(placeholders(error.japanese())).as(error.code() + " placeholders").isEqualTo(placeholders(error.english()));
            for (String template : List.of(error.english(), error.japanese(), error.actionEnglish(), error.actionJapanese())) {
                // A lone apostrophe would make MessageFormat swallow the rest of the text.
                assertThat(template.replace("''", "")).as(error.code() + ": " + template).doesNotContain("'");
                new MessageFormat(template);
            }
        }
        assertThat(CatalogueRenderer.discover(CatalogueAssertions.class.getClassLoader()))
                .as("catalogue registered in META-INF/services").extracting(ErrorCatalogue::module).contains(catalogue.module());
    }

    private static List<String> placeholders(String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found.stream().sorted().distinct().toList();
    }
}
