package org.gridauth.gsi.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.MessageFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GsiErrorCatalogueTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+)");

    @Test
    @DisplayName("R-OP-1: every gsi-core error has a unique GA-CORE code, English and Japanese text and what to do in both")
    void everyEntryIsComplete() {
        Set<String> codes = new HashSet<>();
        for (GsiError error : GsiError.values()) {
            assertThat(error.code()).matches("GA-CORE-\\d{3}");
            assertThat(codes.add(error.code())).as("duplicate " + error.code()).isTrue();
            assertThat(error.english()).isNotBlank();
            assertThat(error.actionEnglish()).isNotBlank();
            assertThat(error.japanese()).as(error.code()).matches(".*[\\p{IsHiragana}\\p{IsKatakana}\\p{IsHan}].*");
            assertThat(error.actionJapanese()).as(error.code()).matches(".*[\\p{IsHiragana}\\p{IsKatakana}\\p{IsHan}].*");
            assertThat(placeholders(error.japanese())).as(error.code() + " placeholders").isEqualTo(placeholders(error.english()));
            for (String template : List.of(error.english(), error.japanese(), error.actionEnglish(), error.actionJapanese())) {
                // A lone apostrophe would make MessageFormat swallow the rest of the text.
                assertThat(template.replace("''", "")).as(error.code() + ": " + template).doesNotContain("'");
                new MessageFormat(template);
            }
        }
    }

    @Test
    @DisplayName("R-OP-1: exceptions carry the code, the English message and the Japanese text on request")
    void exceptionCarriesCode() {
        GridAuthException e = new GridAuthException(GsiError.WRONG_PASSPHRASE, "/home/taro/.globus/userkey.pem");
        assertThat(e.getMessage()).isEqualTo("GA-CORE-014: The passphrase for the private key in /home/taro/.globus/userkey.pem is wrong.");
        assertThat(e.localizedMessage(Locale.JAPANESE)).isEqualTo("/home/taro/.globus/userkey.pem の秘密鍵のパスフレーズが違います。");
        assertThat(e.action(Locale.ENGLISH)).startsWith("Enter the passphrase");
        assertThat(new GridAuthException(GsiError.SUBJECT_ALT_NAME_REQUIRED, "host").action(Locale.ENGLISH))
                .contains("host's fully qualified");
    }

    @Test
    @DisplayName("R-OP-1: the docs build finds the catalogue and renders it as a troubleshooting table")
    void rendersTroubleshootingTable() {
        List<ErrorCatalogue> catalogues = CatalogueRenderer.discover(getClass().getClassLoader());
        ErrorCatalogue core = catalogues.stream().filter(c -> c.module().equals("gsi-core")).findFirst().orElseThrow();
        String table = new CatalogueRenderer().render(core);
        assertThat(table).contains("|===").contains("`GA-CORE-014`").contains("パスフレーズが違います")
                .contains("The passphrase for the private key in <0> is wrong.");
        assertThat(table.lines().filter(l -> l.startsWith("|[[GA-CORE-")).count()).isEqualTo(GsiError.values().length);
    }

    private static List<String> placeholders(String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        List<String> found = new java.util.ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found.stream().sorted().distinct().toList();
    }
}
